package dev.starling.social.notifications;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;

/**
 * Inserts notifications inside the caller's transaction. Nothing is written for oneself, between
 * accounts that block each other, or when the recipient muted the sender with notifications muted.
 */
public final class NotificationWriter {

    private NotificationWriter() {
    }

    public static void notify(Connection c, long recipientId, NotificationType type, long fromAccountId, Long postId, Instant at)
            throws SQLException {
        if (recipientId == fromAccountId) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO notifications (id, account_id, type, from_account_id, post_id, created_at)
                SELECT snowflake_id(?), ?, ?, ?, ?, ?
                WHERE NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = ? AND b.target_id = ?) OR (b.account_id = ? AND b.target_id = ?))
                  AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = ? AND m.target_id = ? AND m.notifications)""")) {
            Timestamp ts = Timestamp.from(at);
            ps.setTimestamp(1, ts);
            ps.setLong(2, recipientId);
            ps.setString(3, type.wireName());
            ps.setLong(4, fromAccountId);
            if (postId == null) {
                ps.setNull(5, Types.BIGINT);
            } else {
                ps.setLong(5, postId);
            }
            ps.setTimestamp(6, ts);
            ps.setLong(7, recipientId);
            ps.setLong(8, fromAccountId);
            ps.setLong(9, fromAccountId);
            ps.setLong(10, recipientId);
            ps.setLong(11, recipientId);
            ps.setLong(12, fromAccountId);
            ps.executeUpdate();
        }
    }
}
