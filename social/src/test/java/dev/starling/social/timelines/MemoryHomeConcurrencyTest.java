package dev.starling.social.timelines;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Page;
import dev.starling.social.db.Database;
import dev.starling.social.posts.PostCache;
import dev.starling.social.relationships.Relationships;
import dev.starling.social.testing.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Home reads from memory on several threads while random operations change the network: feeds are
 * built, caches loaded and changes applied concurrently. Once the operations stop and were delivered,
 * every viewer's pages read from memory must equal SQL's, so no build or load that a change overtook
 * was left behind. Seeded operations (thread timing is not); replay with {@code -Dtests.seed=}.
 */
class MemoryHomeConcurrencyTest {

    @Test
    void concurrentReadsLeaveNothingStale() throws InterruptedException {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        System.out.println("MemoryHomeConcurrencyTest seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random r = new Random(seed);
        try (Database db = TestDatabase.fresh("memhomeconc", 6)) {
            Social s = TestDatabase.social(db);
            Timelines t = new Timelines(db, new HomeFeeds.Settings(true, 6, 4 + r.nextInt(10), 1 + r.nextInt(8), 60_000),
                    Timelines.OUTBOX_POLL_INTERVAL_MILLIS, PostCache.subscribed(db, 8 + r.nextInt(60)));
            List<Account> accounts = new ArrayList<>();
            int n = 10 + r.nextInt(4);
            for (int i = 0; i < n; i++) {
                accounts.add(s.accounts().createWithoutPassword("mc" + i, "mc" + i + "@example.org", "", r.nextInt(5) == 0).orThrow());
            }
            db.inTransaction(c -> {
                for (Account a : accounts) {
                    for (Account b : accounts) {
                        if (a.id() != b.id() && r.nextInt(10) < 5) {
                            Relationships.follow(c, a.id(), b.id(), Instant.now()).orThrow();
                        }
                    }
                }
                return null;
            });
            List<Long> viewers = accounts.subList(0, 5).stream().map(Account::id).toList();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            List<Thread> readers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                long readerSeed = r.nextLong();
                readers.add(Thread.ofPlatform().start(() -> {
                    Random rr = new Random(readerSeed);
                    try {
                        while (!stop.get()) {
                            t.home(viewers.get(rr.nextInt(viewers.size())), Page.first(1 + rr.nextInt(Page.MAX_LIMIT)));
                            LockSupport.parkNanos(100_000);
                        }
                    } catch (Throwable e) {
                        failed.set(e);
                    }
                }));
            }
            List<Long> posts = new ArrayList<>();
            try {
                for (int step = 0; step < 150; step++) {
                    HomeRandomOps.step(s, db, r, accounts, posts, step, "mc");
                }
            } finally {
                stop.set(true);
                for (Thread th : readers) {
                    th.join();
                }
            }
            assertNull(failed.get(), () -> "a reader failed: " + failed.get());
            for (long viewer : viewers) {
                HomeRandomOps.compareAllPages(t::homeUncached, t::home, viewer, r, "seed " + seed + ", after the concurrent run, viewer " + viewer);
            }
            System.out.println("MemoryHomeConcurrencyTest: " + t.homeFeedStats());
            assertTrue(t.memoryStats().pages() > 100, t.homeFeedStats());
        }
    }
}
