package dev.starling.social.visibility;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.changes.Change;
import dev.starling.social.db.Database;
import dev.starling.social.testing.TestDatabase;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ViewerCache}: each kind of change drops the right entries, loads that race with changes never
 * leave a stale entry behind, a cache whose feed is not live reads the database every time, and the
 * bound holds.
 */
class ViewerCacheTest {

    private static Database db;
    private static Social s;
    private static int seq;

    @BeforeAll
    static void open() {
        db = TestDatabase.fresh("viewercache", 6);
        s = TestDatabase.social(db);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static Account account() {
        int i = seq++;
        return s.accounts().createWithoutPassword("vc" + i, "vc" + i + "@example.org", "", false).orThrow();
    }

    /** Waits until this process's writes were delivered to the caches. */
    private static void delivered() {
        assertTrue(db.changes().awaitLocalWrites(), "the change feed is not live");
    }

    @Test
    void followsBlocksAndMutesOfEitherSideAreSeenOnTheNextGet() {
        ViewerCache cache = ViewerCache.subscribed(db, 10_000);
        Account a = account();
        Account b = account();
        Account c = account();
        delivered();
        ViewerCache.Entry e = cache.get(a.id());
        assertFalse(e.follows(b.id()) || e.blocksEitherWay(b.id()) || e.mutes(b.id()));
        assertTrue(e.is(a.id()));
        s.relationships().follow(a.id(), b.id()).orThrow();
        delivered();
        assertTrue(cache.get(a.id()).follows(b.id()));
        s.relationships().mute(a.id(), c.id(), true).orThrow();
        delivered();
        assertTrue(cache.get(a.id()).mutes(c.id()));
        cache.get(b.id());
        s.relationships().block(b.id(), a.id()).orThrow(); // b blocks a: a's follow of b goes too
        delivered();
        assertTrue(cache.get(a.id()).blocksEitherWay(b.id()));
        assertFalse(cache.get(a.id()).follows(b.id()));
        assertTrue(cache.get(b.id()).blocksEitherWay(a.id()));
        s.relationships().unblock(b.id(), a.id()).orThrow();
        s.relationships().unmute(a.id(), c.id()).orThrow();
        delivered();
        ViewerCache.Entry after = cache.get(a.id());
        assertFalse(after.blocksEitherWay(b.id()) || after.mutes(c.id()));
        assertEquals(db.read(x -> Visibility.viewer(x, a.id())), after.toViewer());
        ViewerCache.Stats st = cache.stats();
        assertTrue(st.hits() > 0 && st.loads() > 0, st.toString());
    }

    @Test
    void loadsRacingWithChangesNeverLeaveAStaleEntry() throws InterruptedException {
        ViewerCache cache = ViewerCache.subscribed(db, 10_000);
        Account a = account();
        Account b = account();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            readers.add(Thread.ofPlatform().start(() -> {
                try {
                    while (!stop.get()) {
                        cache.get(a.id());
                        LockSupport.parkNanos(20_000); // race the changes without starving the writer of a core
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            }));
        }
        boolean following = false;
        try {
            for (int i = 0; i < 80; i++) {
                following = !following;
                String sql = following
                        ? "INSERT INTO follows (id, follower_id, followee_id, created_at) VALUES (snowflake_id(now()), ?, ?, now())"
                        : "DELETE FROM follows WHERE follower_id = ? AND followee_id = ?";
                db.inTransaction(c -> {
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        ps.setLong(1, a.id());
                        ps.setLong(2, b.id());
                        ps.executeUpdate();
                    }
                    return null;
                });
                delivered();
                assertEquals(following, cache.get(a.id()).follows(b.id()), "round " + i + ": a stale entry survived; " + cache.stats());
            }
        } finally {
            stop.set(true);
            for (Thread t : readers) {
                t.join();
            }
        }
        assertEquals(null, failed.get());
        System.out.println("ViewerCacheTest race: " + cache.stats());
    }

    @Test
    void aLoadOvertakenByAChangeIsNotInstalled() {
        ViewerCache cache = ViewerCache.subscribed(db, 10_000);
        Account a = account();
        Account b = account();
        delivered();
        // The follow commits and is delivered after the load read a's row and before the load installs it.
        cache.betweenLoadAndInstall = () -> {
            cache.betweenLoadAndInstall = null;
            s.relationships().follow(a.id(), b.id()).orThrow();
            delivered();
        };
        assertFalse(cache.get(a.id()).follows(b.id())); // what the load read
        assertTrue(cache.get(a.id()).follows(b.id()), "the overtaken load was installed: " + cache.stats());
        assertEquals(1, cache.stats().refused());
    }

    @Test
    void aCacheWhoseFeedIsNotLiveReadsTheDatabaseEveryTime() {
        ViewerCache cache = new ViewerCache(db, () -> false, 10_000);
        Account a = account();
        Account b = account();
        assertFalse(cache.get(a.id()).follows(b.id()));
        s.relationships().follow(a.id(), b.id()).orThrow();
        assertTrue(cache.get(a.id()).follows(b.id()));
        assertEquals(0, cache.size());
        assertEquals(new ViewerCache.Stats(0, 0, 0, 2), cache.stats());
    }

    @Test
    void theBoundOnIdsHolds() {
        ViewerCache cache = ViewerCache.subscribed(db, 20);
        List<Account> many = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            many.add(account());
        }
        for (Account x : many) {
            for (Account y : many) {
                if (x.id() != y.id()) {
                    s.relationships().follow(x.id(), y.id()).orThrow(); // 5 followees each: weight 6
                }
            }
        }
        delivered();
        for (Account x : many) {
            assertEquals(5, cache.get(x.id()).followees().length);
        }
        assertTrue(cache.size() <= 3, "held " + cache.size() + " entries of weight 6 under a bound of 20 ids");
    }

    @Test
    void aResetDropsEverything() {
        ViewerCache cache = ViewerCache.subscribed(db, 10_000);
        Account a = account();
        delivered();
        cache.get(a.id());
        assertEquals(1, cache.size());
        cache.onChange(Change.RESET);
        assertEquals(0, cache.size());
    }
}
