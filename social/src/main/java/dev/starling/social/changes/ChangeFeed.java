package dev.starling.social.changes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Committed changes to the tables that in-process caches mirror, read from the change log that
 * migration V6's triggers append to in every writer's transaction, and handed to
 * {@link ChangeListener}s one poll at a time (never two at once). It sees every writer: this
 * process's services, FK cascades, imports, another server on the same database, psql.
 *
 * <p><b>Polling.</b> A poll reads, in one statement, its snapshot's xmin and the log rows of
 * transactions at or above the previous poll's xmin: a transaction still running at that snapshot
 * has an id at or above it, so no row committed since is missed; rows already delivered are
 * remembered until the xmin passes them. Within a poll rows go out in log order; listeners only
 * invalidate, so the order of independent transactions does not matter. A background thread polls
 * every {@value #POLL_INTERVAL_MILLIS} ms (other processes' changes), and removes rows older than
 * {@value #RETENTION_MILLIS} ms now and then.
 *
 * <p><b>Read your writes.</b> The {@code Database} counts this process's possibly-writing uses of
 * the pool ({@code localWrites}). A cache reader first calls {@link #awaitLocalWrites}: when that
 * count moved since the last poll began, it polls (or waits for a poll that began after the count
 * it saw), so every write this process committed before the call has been delivered. Concurrent
 * readers share one poll; reads with no local write since the last poll cost nothing.
 *
 * <p><b>When it cannot poll</b> (the database is down), {@link #live} is false and caches must
 * answer from SQL. A feed that did not poll for longer than half the retention (it failed, or the
 * process was paused) starts again with a {@link Change#RESET}, since rows it never read may be
 * gone; so does the first poll.
 */
public final class ChangeFeed implements AutoCloseable {

    /** How long {@link #awaitLocalWrites} waits for a poll before it gives up (the caller reads SQL). */
    static final long SYNC_TIMEOUT_MILLIS = 5_000;
    /** How often the background thread polls for other processes' changes. */
    static final long POLL_INTERVAL_MILLIS = 100;
    /** How long log rows are kept. */
    static final long RETENTION_MILLIS = 60_000;
    private static final long CLEANUP_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final Logger LOG = Logger.getLogger(ChangeFeed.class.getName());

    private static final String POLL = "SELECT s.xmin, c.seq, c.tx, c.entries"
            + " FROM (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin) s"
            + " LEFT JOIN change_log c ON c.tx >= ? ORDER BY c.seq";
    private static final String FIRST_POLL = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint";

    /** Counters for metrics and tests. */
    public record Stats(long changes, long resets, long polls, long failedPolls) {
    }

    private final DataSource pool;
    private final AtomicLong localWrites;
    private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final ReentrantLock pollLock = new ReentrantLock();
    private final LongAdder changes = new LongAdder();
    private final LongAdder resets = new LongAdder();
    private final LongAdder polls = new LongAdder();
    private final LongAdder failedPolls = new LongAdder();

    private volatile boolean live;
    private volatile boolean closed;
    private volatile long syncedWrites;
    // Guarded by pollLock.
    private boolean started;
    private long lowXid;
    private final Map<Long, Long> delivered = new HashMap<>(); // seq -> tx, of rows at or above lowXid
    private long lastPollNanos;
    private boolean failing;
    private final ArrayDeque<long[]> xmins = new ArrayDeque<>(); // {nanoTime, xmin}, for removing old rows
    private long lastCleanupNanos = System.nanoTime();

    private ChangeFeed(DataSource pool, AtomicLong localWrites) {
        this.pool = pool;
        this.localWrites = localWrites;
        this.thread = Thread.ofPlatform().name("starling-changes").daemon().unstarted(this::run);
    }

    /**
     * Starts polling through {@code pool} (its use here does not count as a local write);
     * {@code localWrites} is the counter the database bumps after every use that may have written.
     */
    public static ChangeFeed start(DataSource pool, AtomicLong localWrites) {
        ChangeFeed feed = new ChangeFeed(pool, localWrites);
        feed.thread.start();
        return feed;
    }

    /** Adds a listener: it gets every change delivered from now on (a new cache starts empty, so it needs nothing older). */
    public void subscribe(ChangeListener listener) {
        listeners.add(listener);
    }

    /** True while the feed polls successfully; caches may answer from memory only then. */
    public boolean live() {
        return live && !closed;
    }

    public Stats stats() {
        return new Stats(changes.sum(), resets.sum(), polls.sum(), failedPolls.sum());
    }

    /**
     * Waits until every change that this process committed before the call has been delivered to
     * the listeners. True when that holds and the feed is live; false when it is not live or no poll
     * got through within {@value #SYNC_TIMEOUT_MILLIS} ms (then read from SQL).
     */
    public boolean awaitLocalWrites() {
        if (!live()) {
            return false;
        }
        long target = localWrites.get();
        if (syncedWrites >= target) {
            return true;
        }
        try {
            if (!pollLock.tryLock(SYNC_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        try {
            if (syncedWrites >= target) {
                return live(); // a poll that began after our writes ran while we waited
            }
            return poll() && live();
        } finally {
            pollLock.unlock();
        }
    }

    /** One poll (the caller holds the lock); false when it failed. */
    private boolean poll() {
        long covers = localWrites.get(); // read before the poll's snapshot: every write counted here is in it
        try (Connection c = pool.getConnection()) {
            // Not polled for half the retention (failing, or this process paused): rows it never read may be gone.
            if (!started || System.nanoTime() - lastPollNanos > TimeUnit.MILLISECONDS.toNanos(RETENTION_MILLIS / 2)) {
                begin(c);
            } else {
                readLog(c);
            }
            polls.increment();
            lastPollNanos = System.nanoTime();
            if (failing) {
                LOG.info("change feed: polling again; caches answer from memory");
            }
            failing = false;
            syncedWrites = Math.max(syncedWrites, covers);
            live = true;
            cleanUpNow(c);
            return true;
        } catch (SQLException | RuntimeException e) {
            failedPolls.increment();
            live = false;
            if (!failing && !closed) {
                LOG.log(Level.WARNING, "change feed: polling failed; caches answer from the database until it succeeds", e);
            }
            failing = true;
            return false;
        }
    }

    /** The first poll (or the first after a long failure): everything visible now is what caches will load; drop all. */
    private void begin(Connection c) throws SQLException {
        long xmin;
        try (PreparedStatement ps = c.prepareStatement(FIRST_POLL); ResultSet rs = ps.executeQuery()) {
            rs.next();
            xmin = rs.getLong(1);
        }
        // Rows at or above xmin that are visible now are already in what the caches will read: mark them delivered.
        delivered.clear();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, tx FROM change_log WHERE tx >= ?")) {
            ps.setLong(1, xmin);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    delivered.put(rs.getLong(1), rs.getLong(2));
                }
            }
        }
        lowXid = xmin;
        started = true;
        deliver(Change.RESET);
    }

    private void readLog(Connection c) throws SQLException {
        long xmin = -1;
        try (PreparedStatement ps = c.prepareStatement(POLL)) {
            ps.setLong(1, lowXid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    xmin = rs.getLong(1);
                    long seq = rs.getLong(2);
                    if (rs.wasNull()) {
                        continue; // no rows: only the snapshot's xmin
                    }
                    long tx = rs.getLong(3);
                    String entries = rs.getString(4);
                    if (delivered.putIfAbsent(seq, tx) == null) {
                        Payloads.parse(entries, this::deliver);
                    }
                }
            }
        }
        long newLow = xmin;
        delivered.values().removeIf(tx -> tx < newLow);
        lowXid = newLow;
        xmins.addLast(new long[] {System.nanoTime(), newLow});
    }

    /** Now and then: removes log rows that every poller that polled within half the retention has read. */
    private void cleanUpNow(Connection c) throws SQLException {
        long now = System.nanoTime();
        if (now - lastCleanupNanos < CLEANUP_INTERVAL_NANOS) {
            return;
        }
        lastCleanupNanos = now;
        long oldEnough = now - TimeUnit.MILLISECONDS.toNanos(RETENTION_MILLIS);
        long below = -1;
        while (!xmins.isEmpty() && xmins.peekFirst()[0] <= oldEnough) {
            below = xmins.pollFirst()[1];
        }
        if (below < 0) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM change_log WHERE tx < ?")) {
            ps.setLong(1, below);
            ps.executeUpdate();
        }
    }

    private void deliver(Change change) {
        if (change.kind() == Kind.RESET) {
            resets.increment();
        } else {
            changes.increment();
        }
        for (ChangeListener l : listeners) {
            try {
                l.onChange(change);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "change listener failed on " + change + "; resetting every cache", e);
                resetAll();
                return;
            }
        }
    }

    private void resetAll() {
        resets.increment();
        for (ChangeListener l : listeners) {
            try {
                l.onChange(Change.RESET);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "change listener failed on a reset", e);
            }
        }
    }

    private void run() {
        while (!closed) {
            pollLock.lock();
            try {
                if (!closed) {
                    poll();
                }
            } finally {
                pollLock.unlock();
            }
            try {
                Thread.sleep(POLL_INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops polling and waits for the thread. */
    @Override
    public void close() {
        closed = true;
        live = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
