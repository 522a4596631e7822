package dev.starling.social.notifications;

import dev.starling.social.common.Outcome;
import dev.starling.social.common.Page;
import dev.starling.social.common.Paging;
import dev.starling.social.common.Rejection;
import dev.starling.social.common.Slice;
import dev.starling.social.db.Database;
import dev.starling.social.visibility.VisibilitySql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reading and dismissing notifications. A notification is shown only while its sender and the
 * recipient do not block each other, the recipient has not muted the sender's notifications, and
 * its post (if any) is visible to the recipient.
 */
public final class Notifications {

    private final Database db;

    public Notifications(Database db) {
        this.db = db;
    }

    private static final String VISIBLE = " AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = v.vid AND b.target_id = n.from_account_id)"
            + " OR (b.account_id = n.from_account_id AND b.target_id = v.vid))"
            + " AND NOT EXISTS (SELECT 1 FROM mutes mu WHERE mu.account_id = v.vid AND mu.target_id = n.from_account_id AND mu.notifications)"
            + " AND (n.post_id IS NULL OR EXISTS (SELECT 1 FROM posts p LEFT JOIN posts o ON o.id = p.reblog_of_id WHERE p.id = n.post_id AND "
            + VisibilitySql.canSee("p", "o") + "))";

    /**
     * Notifications of {@code accountId}, newest first. {@code types} (null or empty: all) keeps only
     * those types; {@code excludeTypes} (null or empty: none) drops those.
     */
    public Slice<Notification> list(long accountId, Page page, Set<NotificationType> types, Set<NotificationType> excludeTypes) {
        StringBuilder sql = new StringBuilder("SELECT n.* FROM " + VisibilitySql.VIEWER + ", notifications n WHERE n.account_id = v.vid");
        List<String> in = new ArrayList<>();
        if (types != null && !types.isEmpty()) {
            sql.append(" AND n.type = ANY(?)");
            types.forEach(t -> in.add(t.wireName()));
        }
        List<String> out = new ArrayList<>();
        if (excludeTypes != null && !excludeTypes.isEmpty()) {
            sql.append(" AND NOT (n.type = ANY(?))");
            excludeTypes.forEach(t -> out.add(t.wireName()));
        }
        sql.append(Paging.conditions("n.id", page)).append(VISIBLE).append(Paging.orderAndLimit("n.id", page));
        return db.withConnection(c -> {
            List<Notification> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                ps.setLong(i++, accountId);
                if (!in.isEmpty()) {
                    ps.setArray(i++, c.createArrayOf("text", in.toArray()));
                }
                if (!out.isEmpty()) {
                    ps.setArray(i++, c.createArrayOf("text", out.toArray()));
                }
                Paging.bind(ps, i, page);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(map(rs));
                    }
                }
            }
            return Paging.slice(rows, Notification::id, page);
        });
    }

    /** One notification of {@code accountId} (empty when absent or hidden). */
    public Optional<Notification> get(long accountId, long notificationId) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT n.* FROM " + VisibilitySql.VIEWER
                    + ", notifications n WHERE n.account_id = v.vid AND n.id = ?" + VISIBLE)) {
                ps.setLong(1, accountId);
                ps.setLong(2, notificationId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.<Notification>empty();
                }
            }
        });
    }

    /** Dismisses one notification; NOT_FOUND when it is not the account's. */
    public Outcome<Long> dismiss(long accountId, long notificationId) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM notifications WHERE account_id = ? AND id = ?")) {
                ps.setLong(1, accountId);
                ps.setLong(2, notificationId);
                return ps.executeUpdate() == 1 ? Outcome.ok(notificationId)
                        : Outcome.<Long>rejected(Rejection.Kind.NOT_FOUND, "notification " + notificationId + " not found");
            }
        });
    }

    /** Dismisses all notifications of the account; returns how many. */
    public long clear(long accountId) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM notifications WHERE account_id = ?")) {
                ps.setLong(1, accountId);
                return (long) ps.executeUpdate();
            }
        });
    }

    private static Notification map(ResultSet rs) throws SQLException {
        long post = rs.getLong("post_id");
        Long postId = rs.wasNull() ? null : post;
        return new Notification(rs.getLong("id"), NotificationType.parse(rs.getString("type")).orElseThrow(),
                rs.getLong("account_id"), rs.getLong("from_account_id"), postId, rs.getTimestamp("created_at").toInstant());
    }

}
