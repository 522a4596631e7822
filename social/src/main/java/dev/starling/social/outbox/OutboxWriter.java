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

    public static void append(Connection c, EventType type, long aggregateId, Long accountId, Map<String, ?> payload) throws SQLException {
        String json;
        try {
            json = JSON.writeValueAsString(payload == null ? Map.of() : payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("outbox payload is not serialisable: " + e.getMessage(), e);
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO outbox (type, aggregate_id, account_id, payload) VALUES (?, ?, ?, ?::jsonb)")) {
            ps.setString(1, type.wireName());
            ps.setLong(2, aggregateId);
            if (accountId == null) {
                ps.setNull(3, Types.BIGINT);
            } else {
                ps.setLong(3, accountId);
            }
            ps.setString(4, json);
            ps.executeUpdate();
        }
    }
}
