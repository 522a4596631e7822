package dev.starling.social.changes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.db.Database;
import dev.starling.social.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The change feed against a real PostgreSQL: what the V6 triggers announce, that a local write is
 * delivered before {@link ChangeFeed#awaitLocalWrites} returns, that another process's writes
 * arrive, that bulk statements reset, and that a lost connection goes down and comes back with a
 * reset.
 */
class ChangeFeedTest {

    static Database db;
    static ChangeFeed feed;
    static final List<Change> seen = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void up() throws Exception {
        db = TestDatabase.fresh("change_feed");
        feed = db.changes();
        feed.subscribe(seen::add);
        awaitLive();
        exec("INSERT INTO accounts (id, username, email, created_at) SELECT g, 'u' || g, 'u' || g || '@x', now() FROM generate_series(1, 5) g");
    }

    @AfterAll
    static void down() {
        db.close();
    }

    @BeforeEach
    void clear() {
        assertTrue(feed.awaitLocalWrites());
        seen.clear();
    }

    @Test
    void aLocalWriteIsDeliveredBeforeAwaitReturns() {
        exec("INSERT INTO follows (id, follower_id, followee_id, created_at) VALUES (1, 1, 2, now())");
        assertTrue(feed.awaitLocalWrites());
        // The follow, and both accounts' counters (V2's triggers), in the same transaction.
        assertEquals(Set.of(new Change(Kind.FOLLOW, 1, 2, 0), new Change(Kind.ACCOUNT, 1, 0, 0), new Change(Kind.ACCOUNT, 2, 0, 0)),
                Set.copyOf(seen));
        seen.clear();
        exec("DELETE FROM follows WHERE follower_id = 1");
        assertTrue(feed.awaitLocalWrites());
        assertEquals(Set.of(new Change(Kind.FOLLOW, 1, 2, 0), new Change(Kind.ACCOUNT, 1, 0, 0), new Change(Kind.ACCOUNT, 2, 0, 0)),
                Set.copyOf(seen));
    }

    @Test
    void postsAndTheirCountersAreAnnounced() {
        exec("INSERT INTO posts (id, author_id, text, visibility, created_at) VALUES (100, 3, 'hi', 0, now())");
        exec("INSERT INTO posts (id, author_id, text, visibility, created_at, reblog_of_id) VALUES (101, 4, '', 0, now(), 100)");
        exec("UPDATE posts SET visibility = 2 WHERE id = 100");
        exec("INSERT INTO favourites (id, account_id, post_id, created_at) VALUES (5, 5, 100, now())");
        exec("INSERT INTO bookmarks (id, account_id, post_id, created_at) VALUES (6, 5, 100, now())");
        exec("INSERT INTO blocks (id, account_id, target_id, created_at) VALUES (7, 1, 3, now())");
        exec("INSERT INTO mutes (id, account_id, target_id, created_at) VALUES (8, 2, 3, now())");
        exec("DELETE FROM posts WHERE id = 101");
        assertTrue(feed.awaitLocalWrites());
        for (Change c : List.of(new Change(Kind.POST_CREATED, 100, 3, 0), new Change(Kind.POST_CREATED, 101, 4, 100),
                new Change(Kind.POST_CHANGED, 100, 3, 0), new Change(Kind.FAVOURITE, 5, 100, 0), new Change(Kind.BOOKMARK, 5, 100, 0),
                new Change(Kind.BLOCK, 1, 3, 0), new Change(Kind.MUTE, 2, 3, 0), new Change(Kind.POST_DELETED, 101, 4, 100),
                new Change(Kind.POST_STATS, 100, 0, 0), new Change(Kind.ACCOUNT, 4, 0, 0))) {
            assertTrue(seen.contains(c), "missing " + c + " in " + seen);
        }
        // Commit order: the repost's creation comes before its deletion.
        assertTrue(seen.indexOf(new Change(Kind.POST_CREATED, 101, 4, 100)) < seen.indexOf(new Change(Kind.POST_DELETED, 101, 4, 100)));
    }

    @Test
    void aRolledBackWriteIsNotAnnounced() throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO follows (id, follower_id, followee_id, created_at) VALUES (2, 4, 5, now())");
            }
            c.rollback();
        }
        exec("SELECT 1");
        assertTrue(feed.awaitLocalWrites());
        assertFalse(seen.stream().anyMatch(c -> c.kind() == Kind.FOLLOW), seen.toString());
    }

    @Test
    void anotherProcessesWritesArrive() throws Exception {
        // Another writer: a plain connection outside this Database, so nothing local counts it.
        try (Connection other = java.sql.DriverManager.getConnection(db.hikari().getJdbcUrl(), db.hikari().getUsername(), null);
             Statement s = other.createStatement()) {
            s.execute("INSERT INTO mutes (id, account_id, target_id, created_at) VALUES (9, 4, 1, now())");
        }
        awaitSeen(c -> c.equals(new Change(Kind.MUTE, 4, 1, 0)));
    }

    @Test
    void aBulkStatementResetsAndABulkLoadSendsOnlyItsOwnReset() {
        exec("INSERT INTO posts (id, author_id, text, visibility, created_at) SELECT 1000 + g, 1, 'bulk', 0, now() FROM generate_series(1, 1500) g");
        assertTrue(feed.awaitLocalWrites());
        assertTrue(seen.contains(Change.RESET), "a 1,500-row insert should reset");
        assertFalse(seen.stream().anyMatch(c -> c.kind() == Kind.POST_CREATED), "no per-row entries past 1,000 rows");
        seen.clear();
        db.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT set_config('starling.bulk_load', 'on', true)");
                s.execute("INSERT INTO posts (id, author_id, text, visibility, created_at) VALUES (5000, 2, 'quiet', 0, now())");
            }
            return null;
        });
        assertTrue(feed.awaitLocalWrites());
        assertEquals(List.of(), seen, "a bulk load announces nothing by itself");
    }

    @Test
    void aLostConnectionGoesDownAndComesBackWithAReset() throws Exception {
        long connects = feed.stats().connects();
        exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'starling-changes' AND datname = current_database()");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (feed.stats().connects() == connects && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        awaitLive();
        assertTrue(feed.stats().connects() > connects, "the feed reconnected");
        assertTrue(seen.contains(Change.RESET), "a reconnect resets: " + seen);
        assertTrue(feed.awaitLocalWrites());
    }

    @Test
    void aFeedThatStopsDeliveringStopsAnsweringAndReconnects() throws Exception {
        // A listener that stalls stands for a connection that went silent: the marker cannot come back in time.
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        feed.subscribe(c -> {
            if (c.kind() == Kind.ACCOUNT && c.first() == 4) {
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        long connects = feed.stats().connects();
        exec("UPDATE accounts SET note = 'stall' WHERE id = 4");
        long t0 = System.nanoTime();
        assertFalse(feed.awaitLocalWrites(), "the marker cannot have come back");
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(ChangeFeed.SYNC_TIMEOUT_MILLIS - 100), "it waited for the marker");
        assertFalse(feed.live(), "a feed whose marker did not come back stops answering at once");
        assertFalse(feed.awaitLocalWrites(), "and readers go to SQL without waiting again");
        release.countDown();
        awaitLive();
        assertTrue(feed.stats().connects() > connects, "it reconnected");
        assertTrue(seen.contains(Change.RESET), "with a reset: " + seen);
        assertTrue(feed.awaitLocalWrites());
    }

    private static void awaitLive() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!feed.live()) {
            assertTrue(System.nanoTime() < deadline, "the change feed did not go live");
            Thread.sleep(10);
        }
    }

    private static void awaitSeen(Predicate<Change> p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (seen.stream().noneMatch(p)) {
            assertTrue(System.nanoTime() < deadline, "not delivered: " + seen);
            Thread.sleep(5);
        }
    }

    private static void exec(String sql) {
        db.withConnection(c -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
            return null;
        });
    }
}
