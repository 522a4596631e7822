package dev.starling.server.statuses;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Idempotency-Key for POST /api/v1/statuses, kept for an hour as Mastodon does: the first request
 * with a key claims it, and a retry gets the post the first one created (the claim is in the
 * database, so a client that retries after a crash and restart still gets no duplicate).
 */
public final class IdempotencyKeys {
    public static final int MAX_KEY_CHARS = 256;

    /** The state of a key: free (claimed now by the caller), in flight elsewhere, or done with a post. */
    public sealed interface Claim {
        record Claimed() implements Claim {}
        record InFlight() implements Claim {}
        record Done(long postId) implements Claim {}
    }

    private final DataSource dataSource;

    public IdempotencyKeys(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Claim claim(long accountId, String key) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM status_idempotency_keys WHERE account_id = ? AND key = ? AND created_at < now() - interval '1 hour'")) {
                ps.setLong(1, accountId);
                ps.setString(2, key);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO status_idempotency_keys (account_id, key) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                ps.setLong(1, accountId);
                ps.setString(2, key);
                if (ps.executeUpdate() == 1) return new Claim.Claimed();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT post_id FROM status_idempotency_keys WHERE account_id = ? AND key = ?")) {
                ps.setLong(1, accountId);
                ps.setString(2, key);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return claim(accountId, key);
                    long postId = rs.getLong(1);
                    return rs.wasNull() ? new Claim.InFlight() : new Claim.Done(postId);
                }
            }
        }
    }

    public void complete(long accountId, String key, long postId) throws SQLException {
        update("UPDATE status_idempotency_keys SET post_id = ? WHERE account_id = ? AND key = ?", postId, accountId, key);
    }

    /** Frees a claimed key when the request failed, so that a retry may try again. */
    public void release(long accountId, String key) throws SQLException {
        update("DELETE FROM status_idempotency_keys WHERE account_id = ? AND key = ? AND post_id IS NULL", null, accountId, key);
    }

    private void update(String sql, Long postId, long accountId, String key) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (postId != null) ps.setLong(i++, postId);
            ps.setLong(i++, accountId);
            ps.setString(i, key);
            ps.executeUpdate();
        }
    }
}
