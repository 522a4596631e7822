package dev.starling.social.changes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Committed changes to the tables that in-process caches mirror, as PostgreSQL announces them:
 * the triggers of migration V6 call {@code pg_notify} on channel {@value #CHANNEL}, and this feed
 * listens on a connection of its own (outside the pool) and hands each change to its
 * {@link ChangeListener}s on one thread, in commit order. It sees every writer: this process's
 * services, FK cascades, imports, another server on the same database, psql.
 *
 * <p><b>Read your writes.</b> A notification reaches the listener shortly after its commit, not
 * before the writer returns. So the {@code Database} counts this process's possibly-writing uses of
 * the pool ({@link #localWriteCounter}), and a cache reader first calls {@link #awaitLocalWrites}:
 * when that count moved since the last sync, it sends a marker notification of its own
 * ({@code Y,feed,token}) and waits until the listener has received it. PostgreSQL delivers
 * notifications of different transactions in commit order, so by then every change committed
 * before the call has been delivered. Concurrent readers share one marker; reads with no local
 * write since the last marker cost nothing.
 *
 * <p><b>When it cannot listen</b> (the connection broke, the database restarted), {@link #live} is
 * false and caches must answer from SQL; on every (re)connect, once LISTEN is in effect, listeners
 * get a {@link Change#RESET} first, since changes made meanwhile are unknown.
 */
public final class ChangeFeed implements AutoCloseable {

    /** The notification channel of migration V6. */
    public static final String CHANNEL = "starling_changes";
    /** How long {@link #awaitLocalWrites} waits for its marker before it gives up (the caller reads SQL). */
    static final long SYNC_TIMEOUT_MILLIS = 5_000;
    /** How long the listener blocks for notifications before it looks at its state again. */
    private static final int POLL_MILLIS = 250;
    /** A connection with no traffic for this long is checked with a round trip (a dead one would never deliver). */
    private static final long IDLE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    private static final Logger LOG = Logger.getLogger(ChangeFeed.class.getName());

    /** Opens the listening connection (not from the pool: it holds LISTEN for its whole life). */
    @FunctionalInterface
    public interface Connector {
        Connection open() throws SQLException;
    }

    /** Counters for metrics and tests. */
    public record Stats(long changes, long resets, long syncs, long connects) {
    }

    private final Connector connector;
    private final DataSource pool;
    private final AtomicLong localWrites;
    private final long feedId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final Object lock = new Object();
    private final LongAdder changes = new LongAdder();
    private final LongAdder resets = new LongAdder();
    private final LongAdder syncs = new LongAdder();
    private final LongAdder connects = new LongAdder();

    private volatile boolean live;
    private volatile boolean closed;
    /** Set when a sync marker did not come back in time: the listening connection may be dead without an error. */
    private volatile boolean suspect;
    // Guarded by lock.
    private long syncedWrites;
    private boolean syncInFlight;
    private long lastToken;
    private long deliveredToken;
    private long connection;

    private ChangeFeed(Connector connector, DataSource pool, AtomicLong localWrites) {
        this.connector = connector;
        this.pool = pool;
        this.localWrites = localWrites;
        this.thread = Thread.ofPlatform().name("starling-changes").daemon().unstarted(this::run);
    }

    /**
     * Starts listening. {@code pool} sends the sync markers (its use does not count as a local
     * write); {@code localWrites} is the counter the database bumps after every use that may have
     * written.
     */
    public static ChangeFeed start(Connector connector, DataSource pool, AtomicLong localWrites) {
        ChangeFeed feed = new ChangeFeed(connector, pool, localWrites);
        feed.thread.start();
        return feed;
    }

    /** Adds a listener: it gets every change delivered from now on (a new cache starts empty, so it needs nothing older). */
    public void subscribe(ChangeListener listener) {
        listeners.add(listener);
    }

    /** True while the feed listens; caches may answer from memory only then. */
    public boolean live() {
        return live;
    }

    public Stats stats() {
        return new Stats(changes.sum(), resets.sum(), syncs.sum(), connects.sum());
    }

    /**
     * Waits until every change that this process committed before the call has been delivered to
     * the listeners. True when that holds and the feed is live; false when it is not live or the
     * marker did not come back within {@value #SYNC_TIMEOUT_MILLIS} ms (then read from SQL).
     */
    public boolean awaitLocalWrites() {
        long target = localWrites.get();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SYNC_TIMEOUT_MILLIS);
        while (true) {
            long token;
            long covers;
            long since;
            synchronized (lock) {
                while (true) {
                    if (!live || closed) {
                        return false;
                    }
                    if (syncedWrites >= target) {
                        return true;
                    }
                    if (!syncInFlight) {
                        break;
                    }
                    if (!waitUntil(deadline)) {
                        return false;
                    }
                }
                syncInFlight = true;
                token = ++lastToken;
                since = connection;
            }
            covers = localWrites.get();
            boolean delivered = false;
            try {
                delivered = sendMarker(token) && awaitMarker(token, since, deadline);
            } finally {
                synchronized (lock) {
                    syncInFlight = false;
                    if (delivered) {
                        syncedWrites = Math.max(syncedWrites, covers);
                        syncs.increment();
                    }
                    lock.notifyAll();
                }
            }
            if (!delivered) {
                if (live && !closed && System.nanoTime() - deadline >= 0) {
                    // Live but silent: a connection that died without an error (a dropped network path) delivers nothing.
                    // Stop answering from memory now and let the listener reconnect (and reset).
                    suspect = true;
                    live = false;
                    signal();
                }
                return false;
            }
        }
    }

    private boolean sendMarker(long token) {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT pg_notify('" + CHANNEL + "', ?)")) {
            ps.setString(1, "Y," + feedId + "," + token);
            ps.execute();
            return true;
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "change feed: could not send a sync marker; reading from the database", e);
            return false;
        }
    }

    /** Waits for marker {@code token} on the same connection it was sent under; false on timeout, reconnect or close. */
    private boolean awaitMarker(long token, long since, long deadline) {
        synchronized (lock) {
            while (deliveredToken < token) {
                if (!live || closed || connection != since || !waitUntil(deadline)) {
                    return false;
                }
            }
            return connection == since;
        }
    }

    /** Waits on the lock until notified or the deadline; false when the deadline passed. Caller holds the lock. */
    private boolean waitUntil(long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        try {
            TimeUnit.NANOSECONDS.timedWait(lock, left);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void run() {
        long backoffMillis = 100;
        while (!closed) {
            try (Connection c = connector.open()) {
                listen(c);
                backoffMillis = 100;
            } catch (SQLException | RuntimeException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "change feed: listening failed; caches answer from the database until it reconnects", e);
                }
            } finally {
                goDown();
            }
            sleep(backoffMillis);
            backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
        }
    }

    private void listen(Connection c) throws SQLException {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("LISTEN " + CHANNEL);
            PGConnection pg = c.unwrap(PGConnection.class);
            synchronized (lock) {
                connection++;
            }
            connects.increment();
            deliver(Change.RESET); // anything may have changed while nobody listened
            suspect = false;
            live = true;
            signal();
            long quietSince = System.nanoTime();
            while (!closed) {
                if (suspect) {
                    suspect = false;
                    throw new SQLException("a sync marker did not come back within " + SYNC_TIMEOUT_MILLIS + " ms; reconnecting");
                }
                PGNotification[] batch = pg.getNotifications(POLL_MILLIS);
                if (batch != null && batch.length > 0) {
                    for (PGNotification n : batch) {
                        if (CHANNEL.equals(n.getName())) {
                            Payloads.parse(n.getParameter(), this::deliver, this::marker);
                        }
                    }
                    quietSince = System.nanoTime();
                } else if (System.nanoTime() - quietSince > IDLE_CHECK_NANOS) {
                    s.execute("SELECT 1");
                    quietSince = System.nanoTime();
                }
            }
        }
    }

    private void marker(Payloads.Sync sync) {
        if (sync.feedId() != feedId) {
            return; // another process's marker
        }
        synchronized (lock) {
            deliveredToken = Math.max(deliveredToken, sync.token());
            lock.notifyAll();
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

    private void goDown() {
        live = false;
        signal();
    }

    private void signal() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops listening (within about {@value #POLL_MILLIS} ms) and waits for the thread. */
    @Override
    public void close() {
        closed = true;
        signal();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
