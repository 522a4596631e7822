package dev.starling.social.export;

import dev.starling.social.db.Database;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bulk reads for derived stores (the search index): posts with their author's username, the
 * username they reply to, and engagement counts, by id or in id order. No visibility checks: the
 * caller indexes visibility and applies the rule of {@link dev.starling.social.visibility.Visibility}
 * at query time.
 */
public final class PostExport {

    /** A post with what an index needs beside the row. */
    public record ExportedPost(Post post, String authorUsername, String inReplyToUsername, long favouritesCount, long reblogsCount, long repliesCount) {
    }

    /** Who the viewer follows (accepted), blocks or is blocked by, and mutes. */
    public record Relations(long accountId, Set<Long> following, Set<Long> blockedEitherWay, Set<Long> muted) {
    }

    public static final int MAX_BATCH = 10_000;

    private final Database db;

    public PostExport(Database db) {
        this.db = db;
    }

    /** Posts (originals and reposts) with the given ids; missing ids are absent. */
    public Map<Long, ExportedPost> byIds(Collection<Long> ids) {
        if (ids.size() > MAX_BATCH) {
            throw new IllegalArgumentException("at most " + MAX_BATCH + " ids per call, was " + ids.size());
        }
        return db.withConnection(c -> enrich(c, PostRows.loadMany(c, ids)));
    }

    /** Up to {@code limit} original posts (not reposts) with id greater than {@code afterId}, in id order. */
    public List<ExportedPost> originalsAfter(long afterId, int limit) {
        if (limit < 1 || limit > MAX_BATCH) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_BATCH + ", was " + limit);
        }
        return db.withConnection(c -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM posts WHERE id > ? AND reblog_of_id IS NULL ORDER BY id LIMIT ?")) {
                ps.setLong(1, afterId);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            Map<Long, ExportedPost> m = enrich(c, PostRows.loadMany(c, ids));
            List<ExportedPost> out = new ArrayList<>(ids.size());
            for (Long id : ids) {
                ExportedPost p = m.get(id);
                if (p != null) {
                    out.add(p);
                }
            }
            return out;
        });
    }

    /** The viewer's follows, blocks (either way) and mutes. */
    public Relations relations(long accountId) {
        return db.withConnection(c -> new Relations(accountId,
                ids(c, "SELECT followee_id FROM follows WHERE follower_id = ?", accountId),
                ids(c, "SELECT target_id FROM blocks WHERE account_id = ? UNION SELECT account_id FROM blocks WHERE target_id = ?", accountId),
                ids(c, "SELECT target_id FROM mutes WHERE account_id = ?", accountId)));
    }

    private static Set<Long> ids(Connection c, String sql, long id) throws SQLException {
        Set<Long> out = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 1; i <= ps.getParameterMetaData().getParameterCount(); i++) {
                ps.setLong(i, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    private static Map<Long, ExportedPost> enrich(Connection c, Map<Long, Post> posts) throws SQLException {
        Map<Long, ExportedPost> out = new HashMap<>();
        if (posts.isEmpty()) {
            return out;
        }
        Map<Long, long[]> counts = new HashMap<>();
        Map<Long, String[]> names = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT p.id, a.username, ra.username,
                       coalesce(ps.favourites_count, 0), coalesce(ps.reblogs_count, 0), coalesce(ps.replies_count, 0)
                FROM posts p JOIN accounts a ON a.id = p.author_id
                LEFT JOIN post_stats ps ON ps.post_id = p.id
                LEFT JOIN accounts ra ON ra.id = p.in_reply_to_account_id
                WHERE p.id = ANY(?)""")) {
            ps.setArray(1, c.createArrayOf("bigint", posts.keySet().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    names.put(id, new String[] {rs.getString(2), rs.getString(3)});
                    counts.put(id, new long[] {rs.getLong(4), rs.getLong(5), rs.getLong(6)});
                }
            }
        }
        for (Post p : posts.values()) {
            String[] n = names.get(p.id());
            long[] k = counts.get(p.id());
            if (n != null) {
                out.put(p.id(), new ExportedPost(p, n[0], n[1], k[0], k[1], k[2]));
            }
        }
        return out;
    }
}
