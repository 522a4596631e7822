package dev.starling.social.timelines;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.db.Database;
import dev.starling.social.relationships.Relationships;
import dev.starling.social.testing.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded randomized test, run with the verdict in memory ({@link MemoryHome}) and in SQL (as whenever the change feed is
 * not live), that the home timeline read through in-process feeds ({@link HomeFeeds},
 * here with tiny bounds so that floors, trimming, eviction and database tails are all in play)
 * equals the one read from the database alone ({@link Timelines#homeUncached}), page by page with
 * every kind of cursor, while random operations change the network between reads: posts of every
 * visibility, reposts and their removal, deletions, visibility changes, follows (also of locked
 * accounts, accepted later, and inserted straight in a transaction), unfollows, blocks, unblocks,
 * mutes, unmutes. The feeds persist across the operations, so every invalidation is exercised.
 *
 * <p>Prints its seed; replay with {@code -Dtests.seed=<seed>}.
 */
class HomeFeedEquivalenceTest {

    @Test
    void cachedHomeEqualsUncachedOverRandomOperations() {
        run(true);
    }

    /** The feeds with the verdict in SQL, as home reads whenever the change feed is not live. */
    @Test
    void cachedHomeWithTheSqlVerdictEqualsUncachedOverRandomOperations() {
        run(false);
    }

    private static void run(boolean memory) {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        System.out.println("HomeFeedEquivalenceTest seed: " + seed + " (replay with -Dtests.seed=" + seed + "), verdict " + (memory ? "in memory" : "in SQL"));
        Random r = new Random(seed);
        try (Database db = TestDatabase.fresh("homefeed", 4)) {
            Social s = TestDatabase.social(db);
            // At most 4 feeds of at most 3..12 ids, built from 1..8 candidates: floors rise, feeds are evicted.
            HomeFeeds.Settings settings = new HomeFeeds.Settings(true, 4, 3 + r.nextInt(10), 1 + r.nextInt(8), 60_000);
            Timelines cached = memory ? new Timelines(db, settings)
                    : new Timelines(db, settings, Timelines.OUTBOX_POLL_INTERVAL_MILLIS, null);
            List<Account> accounts = new ArrayList<>();
            int n = 12 + r.nextInt(6);
            for (int i = 0; i < n; i++) {
                boolean locked = r.nextInt(5) == 0;
                accounts.add(s.accounts().createWithoutPassword("hf" + i, "hf" + i + "@example.org", "", locked).orThrow());
            }
            // Every third account starts following nobody (an empty feed that a new follow must fill), the others about half.
            db.inTransaction(c -> {
                for (int i = 0; i < n; i++) {
                    Account a = accounts.get(i);
                    for (Account b : accounts) {
                        if (i % 3 != 0 && a.id() != b.id() && r.nextInt(10) < 5) {
                            Relationships.follow(c, a.id(), b.id(), Instant.now()).orThrow();
                        }
                    }
                }
                return null;
            });
            List<Long> posts = new ArrayList<>();
            List<Long> viewers = accounts.subList(0, 6).stream().map(Account::id).toList();
            int checks = 0;
            for (int step = 0; step < 180; step++) {
                HomeRandomOps.step(s, db, r, accounts, posts, step, "hf");
                if (r.nextInt(6) == 0) {
                    long viewer = viewers.get(r.nextInt(viewers.size()));
                    HomeRandomOps.compareAllPages(cached::homeUncached, cached::home, viewer, r, "seed " + seed + ", step " + step + ", viewer " + viewer);
                    checks++;
                }
            }
            for (long viewer : viewers) {
                HomeRandomOps.compareAllPages(cached::homeUncached, cached::home, viewer, r, "seed " + seed + ", at the end, viewer " + viewer);
            }
            assertTrue(checks > 0);
            System.out.println("HomeFeedEquivalenceTest: " + checks + " random checks; " + cached.homeFeedStats());
            if (memory) {
                assertTrue(cached.memoryStats().pages() > 0, cached.homeFeedStats());
            } else {
                assertTrue(cached.feedStats().reads() > 0 && cached.memoryStats().pages() == 0, cached.homeFeedStats());
            }
        }
    }
}
