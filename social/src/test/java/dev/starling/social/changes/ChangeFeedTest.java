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
 * The change feed against a real PostgreSQL: what the V6 triggers log, that a local write is
 * delivered before {@link ChangeFeed#awaitLocalWrites} returns, that another process's writes
 * arrive, that bulk statements reset, that failing polls make the feed not live without losing a
 * change, and that a reader waits for a poll at most the timeout.
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
        // The follow only: both accounts' counters (V2's triggers) follow from it and are not logged (V7).
        assertEquals(Set.of(new Change(Kind.FOLLOW, 1, 2, 0)), Set.copyOf(seen));
        seen.clear();
        exec("DELETE FROM follows WHERE follower_id = 1");
        assertTrue(feed.awaitLocalWrites());
        assertEquals(Set.of(new Change(Kind.FOLLOW, 1, 2, 0)), Set.copyOf(seen));
    }

    @Test
    void countersWrittenDirectlyAreAnnounced() {
        // Not by V2's triggers (psql, a repair): nothing else announces them.
        exec("INSERT INTO account_stats (account_id, statuses_count) VALUES (5, 7) ON CONFLICT (account_id) DO UPDATE SET statuses_count = 7");
        exec("INSERT INTO post_stats (post_id, replies_count) VALUES (999, 1) ON CONFLICT (post_id) DO UPDATE SET replies_count = 1");
        exec("DELETE FROM post_stats WHERE post_id = 999");
        assertTrue(feed.awaitLocalWrites());
        assertTrue(seen.contains(new Change(Kind.ACCOUNT, 5, 0, 0)), seen.toString());
        assertEquals(2, seen.stream().filter(c -> c.equals(new Change(Kind.POST_STATS, 999, 0, 0))).count(), seen.toString());
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
        exec("INSERT INTO posts (id, author_id, text, visibility, created_at, in_reply_to_id) VALUES (102, 5, 'a reply', 0, now(), 100)");
        exec("DELETE FROM posts WHERE id = 102");
        assertTrue(feed.awaitLocalWrites());
        for (Change c : List.of(new Change(Kind.POST_CREATED, 100, 3, 0), new Change(Kind.POST_CREATED, 101, 4, 100),
                new Change(Kind.POST_CHANGED, 100, 3, 0), new Change(Kind.FAVOURITE, 5, 100, 0), new Change(Kind.BOOKMARK, 5, 100, 0),
                new Change(Kind.BLOCK, 1, 3, 0), new Change(Kind.MUTE, 2, 3, 0), new Change(Kind.POST_DELETED, 101, 4, 100),
                new Change(Kind.POST_CREATED, 102, 5, 0), new Change(Kind.POST_DELETED, 102, 5, 0))) {
            assertTrue(seen.contains(c), "missing " + c + " in " + seen);
        }
        // Commit order: the repost's creation comes before its deletion.
        assertTrue(seen.indexOf(new Change(Kind.POST_CREATED, 101, 4, 100)) < seen.indexOf(new Change(Kind.POST_DELETED, 101, 4, 100)));
        // The counters V2's triggers changed are implied, not logged (V7), except a reply's parent: once for the reply, once for its deletion.
        assertFalse(seen.stream().anyMatch(c -> c.kind() == Kind.ACCOUNT), seen.toString());
        assertEquals(List.of(new Change(Kind.POST_STATS, 100, 0, 0), new Change(Kind.POST_STATS, 100, 0, 0)),
                seen.stream().filter(c -> c.kind() == Kind.POST_STATS).toList());
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
    void whenPollsFailItIsNotLiveAndLosesNothing() throws Exception {
        // A second feed over a pool that can be made to fail (the database is down), beside the class's own.
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
        javax.sql.DataSource flaky = new javax.sql.DataSource() {
            @Override public Connection getConnection() throws SQLException {
                if (down.get()) {
                    throw new SQLException("the database is down (test)");
                }
                return db.dataSource().getConnection();
            }
            @Override public Connection getConnection(String u, String p) throws SQLException { return getConnection(); }
            @Override public java.io.PrintWriter getLogWriter() { return null; }
            @Override public void setLogWriter(java.io.PrintWriter out) { }
            @Override public void setLoginTimeout(int seconds) { }
            @Override public int getLoginTimeout() { return 0; }
            @Override public java.util.logging.Logger getParentLogger() { return java.util.logging.Logger.getGlobal(); }
            @Override public <T> T unwrap(Class<T> iface) throws SQLException { throw new SQLException("not a wrapper"); }
            @Override public boolean isWrapperFor(Class<?> iface) { return false; }
        };
        java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();
        List<Change> got = new CopyOnWriteArrayList<>();
        try (ChangeFeed second = ChangeFeed.start(flaky, writes)) {
            second.subscribe(got::add);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!second.live()) {
                assertTrue(System.nanoTime() < deadline, "did not go live");
                Thread.sleep(5);
            }
            assertEquals(List.of(Change.RESET), got, "the first poll resets");
            down.set(true);
            while (second.live()) {
                assertTrue(System.nanoTime() < deadline, "did not go down");
                Thread.sleep(5);
            }
            writes.incrementAndGet();
            assertFalse(second.awaitLocalWrites(), "not live: read SQL");
            exec("UPDATE accounts SET note = 'while down' WHERE id = 3");
            down.set(false);
            writes.incrementAndGet();
            while (!second.awaitLocalWrites()) {
                assertTrue(System.nanoTime() < deadline, "did not come back");
                Thread.sleep(5);
            }
            assertTrue(got.contains(new Change(Kind.ACCOUNT, 3, 0, 0)), "the change made while it could not poll arrives: " + got);
            assertEquals(1, got.stream().filter(c -> c.kind() == Kind.RESET).count(), "a short outage needs no reset: " + got);
            assertTrue(second.stats().failedPolls() > 0);
        }
    }

    @Test
    void aReaderWaitsAtMostTheTimeoutForAPoll() throws Exception {
        // A listener that stalls holds the poll: a reader after a local write gives up after the timeout and reads SQL.
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
        exec("UPDATE accounts SET note = 'stall' WHERE id = 4");
        Thread.sleep(3 * ChangeFeed.POLL_INTERVAL_MILLIS); // the background poll reaches the change and stalls
        exec("UPDATE accounts SET note = 'after' WHERE id = 5");
        long t0 = System.nanoTime();
        assertFalse(feed.awaitLocalWrites(), "no poll can get through");
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(ChangeFeed.SYNC_TIMEOUT_MILLIS - 100), "it waited for the poll");
        release.countDown();
        assertTrue(feed.awaitLocalWrites());
        assertTrue(seen.contains(new Change(Kind.ACCOUNT, 5, 0, 0)), seen.toString());
    }

    @Test
    void theLogIsRemovedBeyondTheRetentionOnly() throws SQLException {
        exec("INSERT INTO blocks (id, account_id, target_id, created_at) VALUES (77, 2, 5, now())");
        assertTrue(feed.awaitLocalWrites());
        assertTrue(seen.contains(new Change(Kind.BLOCK, 2, 5, 0)));
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM change_log WHERE entries LIKE 'B,2,5%'")) {
            rs.next();
            assertEquals(1, rs.getLong(1), "a fresh row stays in the log");
        }
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
