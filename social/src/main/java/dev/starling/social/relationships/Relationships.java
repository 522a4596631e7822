package dev.starling.social.relationships;

import dev.starling.social.accounts.AccountRows;
import dev.starling.social.common.Outcome;
import dev.starling.social.common.Page;
import dev.starling.social.common.Paging;
import dev.starling.social.common.Rejection;
import dev.starling.social.common.Slice;
import dev.starling.social.db.Database;
import dev.starling.social.notifications.NotificationType;
import dev.starling.social.notifications.NotificationWriter;
import dev.starling.social.outbox.EventType;
import dev.starling.social.outbox.OutboxWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Follows, follow requests, blocks and mutes. Following a locked account creates a follow request
 * that the target authorizes or rejects. Blocking removes follows and requests both ways. Every
 * method returns the resulting {@link Relationship} (or a rejection: NOT_FOUND for an unknown
 * account, INVALID for oneself, FORBIDDEN when a block stands between the two).
 */
public final class Relationships {

    private final Database db;
    private final Clock clock;

    public Relationships(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Follows {@code targetId}: immediate, or a follow request when the target is locked. */
    public Outcome<Relationship> follow(long actorId, long targetId) {
        return db.inTransaction(c -> {
            Outcome<Relationship> r = follow(c, actorId, targetId, clock.instant());
            return r;
        });
    }

    /** {@link #follow} inside a caller's transaction (demo builder). */
    public static Outcome<Relationship> follow(Connection c, long actorId, long targetId, Instant at) throws SQLException {
        Rejection bad = checkPair(c, actorId, targetId);
        if (bad != null) {
            return Outcome.rejected(bad);
        }
        if (blockedEitherWay(c, actorId, targetId)) {
            return Outcome.rejected(Rejection.Kind.FORBIDDEN, "you cannot follow this account");
        }
        if (!exists(c, "SELECT 1 FROM follows WHERE follower_id = ? AND followee_id = ?", actorId, targetId)) {
            if (isLocked(c, targetId)) {
                int n = update(c, """
                        INSERT INTO follow_requests (id, requester_id, target_id, created_at)
                        VALUES (snowflake_id(?), ?, ?, ?) ON CONFLICT DO NOTHING""", at, actorId, targetId);
                if (n == 1) {
                    NotificationWriter.notify(c, targetId, NotificationType.FOLLOW_REQUEST, actorId, null, at);
                }
            } else {
                insertFollow(c, actorId, targetId, at);
            }
        }
        return Outcome.ok(relationship(c, actorId, targetId));
    }

    /** Unfollows, or withdraws a pending request. */
    public Outcome<Relationship> unfollow(long actorId, long targetId) {
        return db.inTransaction(c -> {
            Rejection bad = checkPair(c, actorId, targetId);
            if (bad != null) {
                return Outcome.rejected(bad);
            }
            deleteFollow(c, actorId, targetId);
            update(c, "DELETE FROM follow_requests WHERE requester_id = ? AND target_id = ?", null, actorId, targetId);
            return Outcome.ok(relationship(c, actorId, targetId));
        });
    }

    /** The target ({@code accountId}) accepts {@code requesterId}'s follow request. */
    public Outcome<Relationship> authorize(long accountId, long requesterId) {
        return db.inTransaction(c -> {
            int n = update(c, "DELETE FROM follow_requests WHERE requester_id = ? AND target_id = ?", null, requesterId, accountId);
            if (n == 0) {
                return Outcome.rejected(Rejection.Kind.NOT_FOUND, "no follow request from account " + requesterId);
            }
            insertFollow(c, requesterId, accountId, clock.instant());
            return Outcome.ok(relationship(c, accountId, requesterId));
        });
    }

    /** The target ({@code accountId}) rejects {@code requesterId}'s follow request. */
    public Outcome<Relationship> reject(long accountId, long requesterId) {
        return db.inTransaction(c -> {
            int n = update(c, "DELETE FROM follow_requests WHERE requester_id = ? AND target_id = ?", null, requesterId, accountId);
            if (n == 0) {
                return Outcome.rejected(Rejection.Kind.NOT_FOUND, "no follow request from account " + requesterId);
            }
            return Outcome.ok(relationship(c, accountId, requesterId));
        });
    }

    /** Blocks; removes follows and follow requests both ways. */
    public Outcome<Relationship> block(long actorId, long targetId) {
        return db.inTransaction(c -> block(c, actorId, targetId, clock.instant()));
    }

    public static Outcome<Relationship> block(Connection c, long actorId, long targetId, Instant at) throws SQLException {
        Rejection bad = checkPair(c, actorId, targetId);
        if (bad != null) {
            return Outcome.rejected(bad);
        }
        int n = update(c, "INSERT INTO blocks (id, account_id, target_id, created_at) VALUES (snowflake_id(?), ?, ?, ?) ON CONFLICT DO NOTHING",
                at, actorId, targetId);
        deleteFollow(c, actorId, targetId);
        deleteFollow(c, targetId, actorId);
        update(c, "DELETE FROM follow_requests WHERE (requester_id = ? AND target_id = ?) OR (requester_id = ? AND target_id = ?)",
                null, actorId, targetId, targetId, actorId);
        if (n == 1) {
            OutboxWriter.append(c, EventType.BLOCKED, targetId, actorId, Map.of());
        }
        return Outcome.ok(relationship(c, actorId, targetId));
    }

    public Outcome<Relationship> unblock(long actorId, long targetId) {
        return db.inTransaction(c -> {
            Rejection bad = checkPair(c, actorId, targetId);
            if (bad != null) {
                return Outcome.rejected(bad);
            }
            if (update(c, "DELETE FROM blocks WHERE account_id = ? AND target_id = ?", null, actorId, targetId) == 1) {
                OutboxWriter.append(c, EventType.UNBLOCKED, targetId, actorId, Map.of());
            }
            return Outcome.ok(relationship(c, actorId, targetId));
        });
    }

    /** Mutes (hides the target from home/public/hashtag timelines; {@code notifications} also silences its notifications). */
    public Outcome<Relationship> mute(long actorId, long targetId, boolean notifications) {
        return db.inTransaction(c -> mute(c, actorId, targetId, notifications, clock.instant()));
    }

    public static Outcome<Relationship> mute(Connection c, long actorId, long targetId, boolean notifications, Instant at) throws SQLException {
        Rejection bad = checkPair(c, actorId, targetId);
        if (bad != null) {
            return Outcome.rejected(bad);
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO mutes (id, account_id, target_id, notifications, created_at) VALUES (snowflake_id(?), ?, ?, ?, ?)
                ON CONFLICT (account_id, target_id) DO UPDATE SET notifications = excluded.notifications""")) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setLong(2, actorId);
            ps.setLong(3, targetId);
            ps.setBoolean(4, notifications);
            ps.setTimestamp(5, Timestamp.from(at));
            ps.executeUpdate();
        }
        return Outcome.ok(relationship(c, actorId, targetId));
    }

    public Outcome<Relationship> unmute(long actorId, long targetId) {
        return db.inTransaction(c -> {
            Rejection bad = checkPair(c, actorId, targetId);
            if (bad != null) {
                return Outcome.rejected(bad);
            }
            update(c, "DELETE FROM mutes WHERE account_id = ? AND target_id = ?", null, actorId, targetId);
            return Outcome.ok(relationship(c, actorId, targetId));
        });
    }

    /** Relationships of {@code actorId} with each of {@code targetIds} (at most 100; unknown ids give all-false rows, as Mastodon). */
    public List<Relationship> relationships(long actorId, Collection<Long> targetIds) {
        if (targetIds.size() > 100) {
            throw new IllegalArgumentException("at most 100 ids per relationships query, got " + targetIds.size());
        }
        return db.withConnection(c -> {
            List<Relationship> out = new ArrayList<>();
            for (long t : targetIds) {
                out.add(relationship(c, actorId, t));
            }
            return out;
        });
    }

    public Relationship relationship(long actorId, long targetId) {
        return db.withConnection(c -> relationship(c, actorId, targetId));
    }

    /** Accounts following {@code accountId}, newest follow first, paged by follow row id. */
    public Slice<AccountEntry> followers(long accountId, Page page) {
        return list("follows x", "x.follower_id", "x.followee_id", accountId, page);
    }

    /** Accounts {@code accountId} follows. */
    public Slice<AccountEntry> following(long accountId, Page page) {
        return list("follows x", "x.followee_id", "x.follower_id", accountId, page);
    }

    /** Pending follow requests to {@code accountId}. */
    public Slice<AccountEntry> followRequests(long accountId, Page page) {
        return list("follow_requests x", "x.requester_id", "x.target_id", accountId, page);
    }

    public Slice<AccountEntry> blocks(long accountId, Page page) {
        return list("blocks x", "x.target_id", "x.account_id", accountId, page);
    }

    public Slice<AccountEntry> mutes(long accountId, Page page) {
        return list("mutes x", "x.target_id", "x.account_id", accountId, page);
    }

    /** Ids of accounts {@code accountId} follows (accepted). */
    public Set<Long> followingIds(long accountId) {
        return db.withConnection(c -> {
            Set<Long> out = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT followee_id FROM follows WHERE follower_id = ?")) {
                ps.setLong(1, accountId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getLong(1));
                    }
                }
            }
            return out;
        });
    }

    private Slice<AccountEntry> list(String table, String shownCol, String ownerCol, long accountId, Page page) {
        String sql = "SELECT x.id AS cursor_id, " + AccountRows.COLUMNS + " FROM " + table + " JOIN accounts a ON a.id = " + shownCol + AccountRows.JOIN_STATS
                + " WHERE " + ownerCol + " = ?" + Paging.conditions("x.id", page) + Paging.orderAndLimit("x.id", page);
        return db.withConnection(c -> {
            List<AccountEntry> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, accountId);
                Paging.bind(ps, 2, page);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new AccountEntry(rs.getLong("cursor_id"), AccountRows.map(rs)));
                    }
                }
            }
            return Paging.slice(rows, AccountEntry::cursorId, page);
        });
    }

    public static Relationship relationship(Connection c, long a, long t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT
                  EXISTS (SELECT 1 FROM follows WHERE follower_id = ?1 AND followee_id = ?2),
                  EXISTS (SELECT 1 FROM follows WHERE follower_id = ?2 AND followee_id = ?1),
                  EXISTS (SELECT 1 FROM blocks WHERE account_id = ?1 AND target_id = ?2),
                  EXISTS (SELECT 1 FROM blocks WHERE account_id = ?2 AND target_id = ?1),
                  EXISTS (SELECT 1 FROM mutes WHERE account_id = ?1 AND target_id = ?2),
                  EXISTS (SELECT 1 FROM mutes WHERE account_id = ?1 AND target_id = ?2 AND notifications),
                  EXISTS (SELECT 1 FROM follow_requests WHERE requester_id = ?1 AND target_id = ?2),
                  EXISTS (SELECT 1 FROM follow_requests WHERE requester_id = ?2 AND target_id = ?1)
                """.replace("?1", Long.toString(a)).replace("?2", Long.toString(t)));
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Relationship(t, rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4),
                    rs.getBoolean(5), rs.getBoolean(6), rs.getBoolean(7), rs.getBoolean(8));
        }
    }

    private static void insertFollow(Connection c, long follower, long followee, Instant at) throws SQLException {
        int n = update(c, "INSERT INTO follows (id, follower_id, followee_id, created_at) VALUES (snowflake_id(?), ?, ?, ?) ON CONFLICT DO NOTHING",
                at, follower, followee);
        if (n == 1) {
            NotificationWriter.notify(c, followee, NotificationType.FOLLOW, follower, null, at);
            OutboxWriter.append(c, EventType.FOLLOWED, followee, follower, Map.of());
        }
    }

    private static void deleteFollow(Connection c, long follower, long followee) throws SQLException {
        if (update(c, "DELETE FROM follows WHERE follower_id = ? AND followee_id = ?", null, follower, followee) == 1) {
            OutboxWriter.append(c, EventType.UNFOLLOWED, followee, follower, Map.of());
        }
    }

    private static Rejection checkPair(Connection c, long actorId, long targetId) throws SQLException {
        if (actorId == targetId) {
            return new Rejection(Rejection.Kind.INVALID, "an account cannot do this to itself");
        }
        if (!exists(c, "SELECT 1 FROM accounts WHERE id = ? AND id = ?", targetId, targetId)) {
            return new Rejection(Rejection.Kind.NOT_FOUND, "account " + targetId + " not found");
        }
        return null;
    }

    static boolean blockedEitherWay(Connection c, long a, long b) throws SQLException {
        return exists(c, "SELECT 1 FROM blocks WHERE (account_id = ? AND target_id = ?) OR (account_id = ? AND target_id = ?)", a, b, b, a);
    }

    private static boolean isLocked(Connection c, long id) throws SQLException {
        return exists(c, "SELECT 1 FROM accounts WHERE id = ? AND locked AND id = ?", id, id);
    }

    private static boolean exists(Connection c, String sql, long... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setLong(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Executes an update; when {@code at} is non-null it is bound first and last (snowflake_id(?) ... created_at ?). */
    private static int update(Connection c, String sql, Instant at, long... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (at != null) {
                ps.setTimestamp(i++, Timestamp.from(at));
            }
            for (long a : args) {
                ps.setLong(i++, a);
            }
            if (at != null) {
                ps.setTimestamp(i, Timestamp.from(at));
            }
            return ps.executeUpdate();
        }
    }
}
