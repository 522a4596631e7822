package dev.starling.social.outbox;

import dev.starling.social.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The consumer side of the transactional outbox. Writers append rows with
 * {@link OutboxWriter#append} in their own transaction; consumers (indexer, trends, assistant)
 * {@link #poll} events after their last position and {@link #checkpoint} what they processed.
 *
 * <p>Positions are assigned by a sealing step under a PostgreSQL advisory lock, only to rows
 * whose writing transactions have all finished ({@code xid < pg_snapshot_xmin}), in xid order; so
 * positions grow in an order no later commit can undercut, and a consumer that checkpoints
 * position N has seen every event up to N. Delivery is at-least-once: a consumer that crashes
 * before checkpointing sees the events again.
 */
public final class Outbox {

    public static final int MAX_POLL = 10_000;
    private static final Pattern CONSUMER = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");
    private static final long SEAL_LOCK_KEY = 0x5354_4152_4C4FL; // "STARLO"

    private final Database db;

    public Outbox(Database db) {
        this.db = db;
    }

    /**
     * Up to {@code limit} events with position greater than {@code afterPosition}, in order. Use
     * {@link #position(String)} as {@code afterPosition} to resume from the consumer's checkpoint.
     */
    public List<OutboxEvent> poll(String consumerName, long afterPosition, int limit) {
        checkConsumer(consumerName);
        if (limit < 1 || limit > MAX_POLL) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_POLL + ", was " + limit);
        }
        seal();
        return db.withConnection(c -> {
            List<OutboxEvent> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT position, type, aggregate_id, account_id, payload::text, created_at FROM outbox
                    WHERE position > ? ORDER BY position LIMIT ?""")) {
                ps.setLong(1, afterPosition);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long acc = rs.getLong(4);
                        Long accountId = rs.wasNull() ? null : acc;
                        out.add(new OutboxEvent(rs.getLong(1), EventType.fromWireName(rs.getString(2)), rs.getLong(3), accountId,
                                rs.getString(5), rs.getTimestamp(6).toInstant()));
                    }
                }
            }
            return out;
        });
    }

    /** Stores the consumer's position (monotonic: an older position never overwrites a newer one). */
    public void checkpoint(String consumerName, long position) {
        checkConsumer(consumerName);
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO outbox_consumers (name, position, updated_at) VALUES (?, ?, now())
                    ON CONFLICT (name) DO UPDATE SET position = greatest(outbox_consumers.position, excluded.position), updated_at = now()""")) {
                ps.setString(1, consumerName);
                ps.setLong(2, position);
                return ps.executeUpdate();
            }
        });
    }

    /** The consumer's checkpoint, 0 when it never checkpointed. */
    public long position(String consumerName) {
        checkConsumer(consumerName);
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT position FROM outbox_consumers WHERE name = ?")) {
                ps.setString(1, consumerName);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    /** Events not yet checkpointed by the consumer (sealed after its position, plus unsealed ones). */
    public long lag(String consumerName) {
        long pos = position(consumerName);
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT (SELECT count(*) FROM outbox WHERE position > ?) + (SELECT count(*) FROM outbox WHERE position IS NULL)")) {
                ps.setLong(1, pos);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** Lag of every known consumer, by name (for metrics). */
    public Map<String, Long> lags() {
        List<String> names = db.withConnection(c -> {
            List<String> n = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM outbox_consumers ORDER BY name"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    n.add(rs.getString(1));
                }
            }
            return n;
        });
        Map<String, Long> out = new LinkedHashMap<>();
        for (String n : names) {
            out.put(n, lag(n));
        }
        return out;
    }

    /** The highest sealed position (0 when none). */
    public long head() {
        seal();
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(position), 0) FROM outbox"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** Assigns positions to rows whose transactions have all finished; serialised by an advisory lock. */
    void seal() {
        db.inTransaction(c -> {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, SEAL_LOCK_KEY);
                lock.execute();
            }
            return sealLocked(c);
        });
    }

    private static int sealLocked(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                WITH base AS (SELECT coalesce(max(position), 0) AS b FROM outbox),
                     ready AS (SELECT id, row_number() OVER (ORDER BY xid, id) AS rn FROM outbox
                               WHERE position IS NULL AND xid < pg_snapshot_xmin(pg_current_snapshot())
                               ORDER BY xid, id LIMIT 100000)
                UPDATE outbox o SET position = base.b + ready.rn FROM ready, base WHERE o.id = ready.id""")) {
            return ps.executeUpdate();
        }
    }

    private static void checkConsumer(String name) {
        if (name == null || !CONSUMER.matcher(name).matches()) {
            throw new IllegalArgumentException("consumer name must match [A-Za-z0-9_.:-]{1,100}: " + name);
        }
    }
}
