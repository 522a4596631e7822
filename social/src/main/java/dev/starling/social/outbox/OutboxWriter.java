package dev.starling.social.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Map;

/** Appends outbox rows inside the caller's transaction (the same connection as the change). */
public final class OutboxWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OutboxWriter() {
    }

    private static final String INSERT = "INSERT INTO outbox (type, aggregate_id, account_id, payload) VALUES (?, ?, ?, ?::jsonb)";

    public static void append(Connection c, EventType type, long aggregateId, Long accountId, Map<String, ?> payload) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            bind(ps, type, aggregateId, accountId, payload);
            ps.executeUpdate();
        }
    }

    /** The payload as a JSON object string. */
    public static String json(Map<String, ?> payload) {
        try {
            return JSON.writeValueAsString(payload == null ? Map.of() : payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("outbox payload is not serialisable: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement ps, EventType type, long aggregateId, Long accountId, Map<String, ?> payload) throws SQLException {
        ps.setString(1, type.wireName());
        ps.setLong(2, aggregateId);
        if (accountId == null) {
            ps.setNull(3, Types.BIGINT);
        } else {
            ps.setLong(3, accountId);
        }
        ps.setString(4, json(payload));
    }

    /** Batches many outbox rows into one round trip (bulk writers: demo, imports). Call {@link #close} to flush. */
    public static final class Batch implements AutoCloseable {
        private final PreparedStatement ps;
        private int pending;

        public Batch(Connection c) throws SQLException {
            this.ps = c.prepareStatement(INSERT);
        }

        public void add(EventType type, long aggregateId, Long accountId, Map<String, ?> payload) throws SQLException {
            bind(ps, type, aggregateId, accountId, payload);
            ps.addBatch();
            if (++pending >= 1000) {
                flush();
            }
        }

        public void flush() throws SQLException {
            if (pending > 0) {
                ps.executeBatch();
                pending = 0;
            }
        }

        @Override
        public void close() throws SQLException {
            try {
                flush();
            } finally {
                ps.close();
            }
        }
    }
}
