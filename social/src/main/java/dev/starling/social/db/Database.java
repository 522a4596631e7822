package dev.starling.social.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.starling.social.changes.ChangeFeed;
import dev.starling.social.common.Outcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The connection pool (HikariCP) over one PostgreSQL database, with the schema migrated by Flyway
 * on open. Migrations live on the classpath under {@code db/migration}: social owns V1..V99, the
 * server module V100+ (found by the same scan when both jars are on the classpath).
 *
 * <p>Use {@link #inTransaction} for every write: when the function returns an
 * {@link Outcome.Rejected} or throws, the transaction is rolled back, so a rejected operation
 * leaves nothing behind (and no outbox row).
 */
public final class Database implements AutoCloseable {

    /** Where to connect and how big the pool may grow. */
    public record Config(String jdbcUrl, String user, String password, int maxPoolSize) {
        public Config {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("only PostgreSQL JDBC URLs (jdbc:postgresql:...) are supported, got: " + jdbcUrl);
            }
            if (maxPoolSize < 1 || maxPoolSize > 200) {
                throw new IllegalArgumentException("maxPoolSize must be 1..200, was " + maxPoolSize);
            }
        }

        public Config(String jdbcUrl, String user, String password) {
            this(jdbcUrl, user, password, 10);
        }
    }

    private final HikariDataSource pool;
    private final Config config;
    /** Uses of the pool that may have written, counted after they end (see {@link ChangeFeed#awaitLocalWrites}). */
    private final AtomicLong localWrites = new AtomicLong();
    private ChangeFeed changes;
    private boolean closed;

    private Database(HikariDataSource pool, Config config) {
        this.pool = pool;
        this.config = config;
    }

    /** Opens the pool and migrates the schema (Flyway, {@code classpath:db/migration}). */
    public static Database open(Config config) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(config.jdbcUrl());
        if (config.user() != null) {
            hc.setUsername(config.user());
        }
        if (config.password() != null) {
            hc.setPassword(config.password());
        }
        hc.setMaximumPoolSize(config.maxPoolSize());
        hc.setMinimumIdle(Math.min(2, config.maxPoolSize()));
        hc.setPoolName("starling-db");
        hc.setConnectionTimeout(10_000);
        // A JDBC batch of inserts goes to PostgreSQL as multi-row INSERTs instead of one statement per row (the trend
        // counter writes about 10 rows per post). Nothing here reads a batch's per-row update counts, which this turns
        // into SUCCESS_NO_INFO. A reWriteBatchedInserts in the URL still wins.
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        HikariDataSource ds = new HikariDataSource(hc);
        try {
            migrate(ds);
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds, config);
    }

    /**
     * Runs the Flyway migrations found on the classpath against {@code dataSource}.
     *
     * <p>{@code outOfOrder(true)}: the modules number their migrations in separate ranges (social
     * V1..V99, server V100..V199, ai V200..V299) but ship them independently, so a database that
     * already has server's V100 applied must still accept a newer social V3 when it appears.
     * Without out-of-order, Flyway would refuse (a resolved migration below the highest applied
     * one is "ignored" and fails validation). Each module's migrations stay in order among
     * themselves, and a migration of one module never depends on another module's later ones.
     */
    public static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .outOfOrder(true)
                .load()
                .migrate();
    }

    /** The pool, e.g. for Micrometer's Hikari metrics ({@code HikariDataSource}). */
    public DataSource dataSource() {
        return pool;
    }

    /** The Hikari pool itself (metrics binders need the concrete type). */
    public HikariDataSource hikari() {
        return pool;
    }

    /**
     * Runs {@code work} on a pooled connection in autocommit mode. It may write (each statement
     * commits by itself): it counts as a possible local write for the {@link #changes() change feed}.
     * Pure reads that caches make use {@link #read}.
     */
    public <T> T withConnection(SqlFunction<T> work) {
        try {
            return read(work);
        } finally {
            localWrites.incrementAndGet();
        }
    }

    /**
     * Runs {@code work}, which must only read, on a pooled connection in autocommit mode. Unlike
     * {@link #withConnection} it does not count as a local write, so it does not make the next cache
     * read wait for the change feed (a cache's own loads use it).
     */
    public <T> T read(SqlFunction<T> work) {
        try (Connection c = pool.getConnection()) {
            try {
                return work.apply(c);
            } catch (Error e) {
                abandon(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new DatabaseException("database read failed", e);
        }
    }

    /**
     * After an Error (an OutOfMemoryError, a StackOverflowError) in work on {@code c}: the driver may
     * have stopped part-way through a message from the server, and the next statement or rollback on
     * that connection could then misread the stream and wait forever. The socket is closed instead,
     * without a word to the server (which rolls back any open transaction), and the pool evicts it.
     */
    private static void abandon(Connection c, Error e) {
        try {
            c.abort(Runnable::run);
        } catch (SQLException | RuntimeException suppressed) {
            e.addSuppressed(suppressed);
        }
    }

    /**
     * The change feed of this database (started on the first call, closed with it): every committed
     * change to the tables that in-process caches mirror, from any writer (migration V6's change log).
     */
    public synchronized ChangeFeed changes() {
        if (closed) {
            throw new IllegalStateException("the database is closed");
        }
        if (changes == null) {
            changes = ChangeFeed.start(pool, localWrites);
        }
        return changes;
    }

    /**
     * Runs {@code work} in one transaction (READ COMMITTED). Commits on normal return unless the
     * result is an {@link Outcome.Rejected}, which rolls back. Any exception rolls back and is
     * rethrown ({@link SQLException} wrapped in {@link DatabaseException}).
     */
    public <T> T inTransaction(SqlFunction<T> work) {
        try {
            return transaction(work);
        } finally {
            localWrites.incrementAndGet();
        }
    }

    private <T> T transaction(SqlFunction<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.apply(c);
                if (result instanceof Outcome.Rejected<?>) {
                    c.rollback();
                } else {
                    c.commit();
                }
                c.setAutoCommit(true);
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                    c.setAutoCommit(true);
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            } catch (Error e) {
                abandon(c, e); // no rollback over a stream that may be mid-message: see abandon
                throw e;
            }
        } catch (SQLException e) {
            throw new DatabaseException("database transaction failed", e);
        }
    }

    @Override
    public void close() {
        ChangeFeed feed;
        synchronized (this) {
            closed = true;
            feed = changes;
        }
        if (feed != null) {
            feed.close();
        }
        pool.close();
    }
}
