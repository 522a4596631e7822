package dev.starling.social.corpus;

import dev.starling.social.db.DatabaseException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * One consistent view of the training corpus: a REPEATABLE READ, READ ONLY transaction on one
 * pooled connection, so the {@link #manifest()} and every pass over {@link #posts()} see exactly
 * the same database state, however long the passes take and whatever is written meanwhile.
 *
 * <p>{@link #posts()} streams in id order through a server-side cursor ({@code fetchSize} rows per
 * round trip), so a corpus of millions of posts never sits in memory. One stream may be open at a
 * time; close it (or exhaust it) before the next. Close the snapshot to end the transaction and
 * return the connection: hold it only while reading (a long snapshot keeps PostgreSQL from
 * vacuuming rows changed since it began).
 *
 * <p>Not thread-safe (one connection).
 */
public final class CorpusSnapshot implements AutoCloseable {

    private final Connection c;
    private final int fetchSize;
    private final Instant snapshotAt;
    private CorpusManifest manifest;
    private PreparedStatement open;
    private boolean closed;
    /**
     * A read stopped part-way by something other than an SQLException (an OutOfMemoryError while
     * the driver was receiving a batch of rows): the connection's place in the wire protocol is
     * unknown, so a rollback on it could wait forever for a reply it misreads. It is aborted instead.
     */
    private boolean broken;

    CorpusSnapshot(Connection c, int fetchSize) throws SQLException {
        this.c = c;
        this.fetchSize = fetchSize;
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            // The first query takes the snapshot; statement_timestamp() is when that query started.
            try (ResultSet rs = st.executeQuery("SELECT statement_timestamp()")) {
                rs.next();
                this.snapshotAt = rs.getTimestamp(1).toInstant();
            }
        }
    }

    /** When the snapshot was taken (database clock). */
    public Instant snapshotAt() {
        return snapshotAt;
    }

    /** Counts of posts and accounts included and excluded by reason, in this snapshot (computed once). */
    public CorpusManifest manifest() {
        checkOpen();
        if (manifest == null) {
            try {
                manifest = count();
            } catch (SQLException e) {
                throw new DatabaseException("could not count the training corpus", e);
            }
        }
        return manifest;
    }

    private CorpusManifest count() throws SQLException {
        long included = 0;
        Map<PostExclusion, Long> posts = new EnumMap<>(PostExclusion.class);
        try (PreparedStatement ps = c.prepareStatement(CorpusSql.POST_COUNTS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String reason = rs.getString(1);
                if (reason == null) {
                    included = rs.getLong(2);
                } else {
                    posts.put(parse(PostExclusion.class, reason), rs.getLong(2));
                }
            }
        }
        long accountsIncluded = 0;
        Map<AccountExclusion, Long> accounts = new EnumMap<>(AccountExclusion.class);
        try (PreparedStatement ps = c.prepareStatement(CorpusSql.ACCOUNT_COUNTS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String reason = rs.getString(1);
                if (reason == null) {
                    accountsIncluded = rs.getLong(2);
                } else {
                    accounts.put(parse(AccountExclusion.class, reason), rs.getLong(2));
                }
            }
        }
        long deleted;
        try (PreparedStatement ps = c.prepareStatement(CorpusSql.DELETED_ORIGINALS); ResultSet rs = ps.executeQuery()) {
            rs.next();
            deleted = rs.getLong(1);
        }
        return new CorpusManifest(TrainingCorpus.RULES_VERSION, snapshotAt, included, posts, accountsIncluded, accounts, deleted);
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String reason) {
        try {
            return Enum.valueOf(type, reason);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the corpus rules gave an unknown " + type.getSimpleName() + " '" + reason
                    + "' (a post with a visibility code outside 0..3?)", e);
        }
    }

    /**
     * The corpus posts in id order, streamed with a bounded fetch size. Close the stream (try-with-
     * resources) if you stop early; an exhausted stream closes its cursor itself.
     */
    public Stream<CorpusPost> posts() {
        checkOpen();
        if (open != null) {
            throw new IllegalStateException("a posts() stream of this snapshot is still open: close it first");
        }
        ResultSet rs;
        try {
            PreparedStatement ps = c.prepareStatement(CorpusSql.POSTS, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            ps.setFetchSize(fetchSize);
            open = ps;
            rs = ps.executeQuery();
        } catch (SQLException e) {
            closeStatement();
            throw new DatabaseException("could not read the training corpus", e);
        }
        Iterator<CorpusPost> it = new Iterator<>() {
            CorpusPost next;
            boolean done;

            @Override
            public boolean hasNext() {
                if (next == null && !done) {
                    try {
                        if (rs.next()) {
                            String lang = rs.getString(4);
                            Timestamp at = rs.getTimestamp(3);
                            next = new CorpusPost(rs.getLong(1), rs.getLong(2), at.toInstant(), lang, rs.getString(5));
                        } else {
                            done = true;
                            closeStatement();
                        }
                    } catch (SQLException e) {
                        done = true;
                        closeStatement();
                        throw new DatabaseException("could not read the training corpus", e);
                    } catch (RuntimeException | Error e) {
                        done = true;
                        broken = true;
                        open = null; // not closed: closing talks to the server over the same broken stream
                        throw e;
                    }
                }
                return next != null;
            }

            @Override
            public CorpusPost next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                CorpusPost p = next;
                next = null;
                return p;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(this::closeStatement);
    }

    /** Only the texts, in id order (e.g. to train a tokenizer). */
    public Stream<String> texts() {
        return posts().map(CorpusPost::text);
    }

    private void closeStatement() {
        PreparedStatement ps = open;
        open = null;
        if (ps != null) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // The transaction ends with close(); a failed cursor close changes nothing read.
            }
        }
    }

    /** Closes the socket without a word to the server, which rolls the transaction back itself. */
    private void abort() {
        try {
            try {
                c.abort(Runnable::run);
            } finally {
                c.close(); // the pool sees a dead connection and evicts it
            }
        } catch (SQLException e) {
            throw new DatabaseException("could not abort the corpus snapshot's connection after a failed read", e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this corpus snapshot is closed");
        }
    }

    /** Ends the read-only transaction and returns the connection to the pool. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (broken) {
            abort();
            return;
        }
        closeStatement();
        try {
            try {
                c.rollback(); // read-only: nothing to commit
                c.setAutoCommit(true);
            } finally {
                c.close();
            }
        } catch (SQLException e) {
            throw new DatabaseException("could not end the corpus snapshot", e);
        }
    }
}
