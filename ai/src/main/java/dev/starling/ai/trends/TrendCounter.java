package dev.starling.ai.trends;

import dev.starling.social.db.Database;
import dev.starling.social.outbox.EventType;
import dev.starling.social.outbox.Outbox;
import dev.starling.social.outbox.OutboxEvent;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trend counters' outbox consumer ({@value #CONSUMER}): for every post event (created, deleted, visibility
 * changed) it re-derives that post's rows in {@code trend_uses} from the post as it is NOW in the database: none
 * unless it exists, is PUBLIC and is an original (not a repost); else one row per {@link TrendTerms term}, bucketed by
 * the hour of its {@code created_at}. Each batch is one transaction, and the checkpoint moves after it; a batch
 * replayed after a crash re-derives the same rows (idempotent), so a restart simply continues.
 *
 * <p>{@link #rebuild()} recomputes everything from the posts table (those within {@link #retention}).
 * {@link #start()} runs a polling thread; {@link #runOnce()} processes one batch in the caller's thread.
 */
public final class TrendCounter implements AutoCloseable {

    public static final String CONSUMER = "trends";
    private static final Logger LOG = LoggerFactory.getLogger(TrendCounter.class);
    private static final int REBUILD_CHUNK = 2000;

    /** Batch size, idle poll interval and how far back the counters keep (and rebuild) history. */
    public record Options(int batchSize, long pollIntervalMillis, Duration retention) {
        public Options {
            if (batchSize < 1 || batchSize > Outbox.MAX_POLL) {
                throw new IllegalArgumentException("batchSize must be 1.." + Outbox.MAX_POLL + ", was " + batchSize);
            }
            if (pollIntervalMillis < 1 || pollIntervalMillis > 600_000) {
                throw new IllegalArgumentException("pollIntervalMillis must be 1..600000, was " + pollIntervalMillis);
            }
        }

        /** 500 events a batch, 1 s idle poll, 8 days of history (a day against the 7 before it). */
        public static Options defaults() {
            return new Options(500, 1000, TrendScoring.Settings.tags().retention());
        }
    }

    /** What {@link #rebuild()} did. */
    public record RebuildResult(long posts, long rows, long outboxPosition, long millis) {
    }

    private final Database db;
    private final Outbox outbox;
    private final Clock clock;
    private final Options options;
    private final Object lock = new Object();
    private volatile Thread thread;
    private volatile boolean running;

    public TrendCounter(Database db, Outbox outbox, Clock clock, Options options) {
        this.db = db;
        this.outbox = outbox;
        this.clock = clock;
        this.options = options;
    }

    public Duration retention() {
        return options.retention();
    }

    /** Processes one batch of events after the checkpoint; returns how many events it consumed (0: caught up). */
    public int runOnce() {
        synchronized (lock) {
            List<OutboxEvent> events = outbox.poll(CONSUMER, outbox.position(CONSUMER), options.batchSize());
            if (events.isEmpty()) {
                return 0;
            }
            Set<Long> posts = new LinkedHashSet<>();
            for (OutboxEvent e : events) {
                if (e.type() == EventType.POST_CREATED || e.type() == EventType.POST_DELETED || e.type() == EventType.POST_VISIBILITY_CHANGED) {
                    posts.add(e.aggregateId());
                }
            }
            if (!posts.isEmpty()) {
                long[] ids = posts.stream().mapToLong(Long::longValue).toArray();
                Instant since = clock.instant().minus(options.retention());
                db.inTransaction(c -> {
                    sync(c, ids, since);
                    return null;
                });
            }
            outbox.checkpoint(CONSUMER, events.getLast().position());
            return events.size();
        }
    }

    /** Runs batches until the consumer has caught up with the outbox; returns the events consumed. */
    public long catchUp() {
        long total = 0;
        int n;
        while ((n = runOnce()) > 0) {
            total += n;
        }
        return total;
    }

    /** Events not yet counted. */
    public long lag() {
        return outbox.lag(CONSUMER);
    }

    /**
     * Recomputes {@code trend_uses} from the public original posts of the retention window, in one transaction
     * (readers see the old counts until it commits), and moves the checkpoint to the outbox head taken before the
     * scan: events after it are replayed, which is harmless.
     */
    public RebuildResult rebuild() {
        synchronized (lock) {
            long t0 = System.nanoTime();
            long head = outbox.head();
            Instant since = clock.instant().minus(options.retention());
            long[] counts = db.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM trend_uses")) {
                    ps.executeUpdate();
                }
                long posts = 0;
                long rows = 0;
                long after = Long.MIN_VALUE;
                while (true) {
                    List<PostRow> chunk = new ArrayList<>();
                    try (PreparedStatement ps = c.prepareStatement("SELECT id, author_id, text, hashtags, urls, created_at, sensitive OR spoiler_text <> '' FROM posts "
                            + "WHERE id > ? AND visibility = 0 AND reblog_of_id IS NULL AND created_at >= ? ORDER BY id LIMIT ?")) {
                        ps.setLong(1, after);
                        ps.setTimestamp(2, Timestamp.from(since));
                        ps.setInt(3, REBUILD_CHUNK);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                chunk.add(PostRow.read(rs));
                            }
                        }
                    }
                    if (chunk.isEmpty()) {
                        break;
                    }
                    posts += chunk.size();
                    rows += insert(c, chunk);
                    after = chunk.getLast().id();
                }
                return new long[] {posts, rows};
            });
            outbox.checkpoint(CONSUMER, head);
            return new RebuildResult(counts[0], counts[1], head, (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /** Starts the polling thread (idempotent). */
    public void start() {
        synchronized (this) {
            if (thread != null) {
                return;
            }
            running = true;
            thread = Thread.ofPlatform().daemon().name("trend-counter").start(this::loop);
        }
    }

    /** Stops the polling thread, waiting for the batch in progress. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            thread = null;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop() {
        long backoffMillis = options.pollIntervalMillis();
        while (running) {
            try {
                int n = runOnce();
                backoffMillis = options.pollIntervalMillis();
                if (n == 0) {
                    Thread.sleep(options.pollIntervalMillis());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("trend counter batch failed, retrying in {} ms: {}", backoffMillis, e.toString());
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException ie) {
                    return;
                }
                backoffMillis = Math.min(60_000, backoffMillis * 2);
            }
        }
    }

    /**
     * Re-derives the rows of these posts from their current state; posts written before {@code since} (imported
     * history) are older than any window the scores look at and are not counted, as {@link #rebuild()} does.
     */
    static void sync(Connection c, long[] postIds, Instant since) throws SQLException {
        Array ids = c.createArrayOf("bigint", Arrays.stream(postIds).boxed().toArray());
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM trend_uses WHERE post_id = ANY(?)")) {
            ps.setArray(1, ids);
            ps.executeUpdate();
        }
        List<PostRow> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, author_id, text, hashtags, urls, created_at, sensitive OR spoiler_text <> '' FROM posts "
                + "WHERE id = ANY(?) AND visibility = 0 AND reblog_of_id IS NULL AND created_at >= ?")) {
            ps.setArray(1, ids);
            ps.setTimestamp(2, Timestamp.from(since));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(PostRow.read(rs));
                }
            }
        }
        insert(c, rows);
    }

    private static long insert(Connection c, List<PostRow> posts) throws SQLException {
        long n = 0;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO trend_uses (kind, term, post_id, account_id, hour) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (PostRow p : posts) {
                Timestamp hour = Timestamp.from(p.createdAt().truncatedTo(ChronoUnit.HOURS));
                for (TrendTerms.Term t : TrendTerms.of(p.text(), p.hashtags(), p.urls(), p.sensitive())) {
                    ps.setInt(1, t.kind().code());
                    ps.setString(2, t.term());
                    ps.setLong(3, p.id());
                    ps.setLong(4, p.authorId());
                    ps.setTimestamp(5, hour);
                    ps.addBatch();
                    n++;
                }
            }
            ps.executeBatch();
        }
        return n;
    }

    private record PostRow(long id, long authorId, String text, List<String> hashtags, List<String> urls, Instant createdAt, boolean sensitive) {
        static PostRow read(ResultSet rs) throws SQLException {
            return new PostRow(rs.getLong(1), rs.getLong(2), rs.getString(3), strings(rs.getArray(4)), strings(rs.getArray(5)),
                    rs.getTimestamp(6).toInstant(), rs.getBoolean(7));
        }

        private static List<String> strings(Array a) throws SQLException {
            return a == null ? List.of() : Arrays.asList((String[]) a.getArray());
        }
    }
}
