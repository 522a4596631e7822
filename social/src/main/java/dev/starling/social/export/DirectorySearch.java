package dev.starling.social.export;

import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.Accounts;
import dev.starling.social.db.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Account and hashtag lookup for search and typeahead: accounts whose username starts with the
 * text (then whose display name contains it), ranked exact match first, then by followers;
 * hashtags by prefix among public posts, most used first. Accounts that block the viewer, or
 * that the viewer blocks, are left out.
 */
public final class DirectorySearch {

    public static final int MAX_LIMIT = 80;
    public static final int MAX_TEXT_CHARS = 100;

    /** A hashtag with the number of public posts that use it. */
    public record Tag(String name, long uses) {
    }

    private final Database db;

    public DirectorySearch(Database db) {
        this.db = db;
    }

    /** {@code text} without a leading '@'; {@code viewerId} null for anonymous; {@code followingOnly} needs a viewer. */
    public List<Account> accounts(String text, Long viewerId, boolean followingOnly, int offset, int limit) {
        String t = clean(text, '@');
        check(offset, limit);
        if (t.isEmpty()) {
            return List.of();
        }
        List<Long> ids = db.withConnection(c -> {
            List<Long> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT a.id FROM accounts a
                    WHERE (lower(a.username) LIKE ? ESCAPE '\\' OR lower(a.display_name) LIKE ? ESCAPE '\\')
                      AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = ? AND b.target_id = a.id) OR (b.account_id = a.id AND b.target_id = ?))
                      AND (NOT ? OR EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = ? AND f.followee_id = a.id))
                    ORDER BY (lower(a.username) = ?) DESC, (lower(a.username) LIKE ? ESCAPE '\\') DESC,
                             coalesce((SELECT s.followers_count FROM account_stats s WHERE s.account_id = a.id), 0) DESC, a.id
                    OFFSET ? LIMIT ?""")) {
                String like = escape(t);
                long viewer = viewerId == null ? 0 : viewerId;
                ps.setString(1, like + "%");
                ps.setString(2, "%" + like + "%");
                ps.setLong(3, viewer);
                ps.setLong(4, viewer);
                ps.setBoolean(5, followingOnly);
                ps.setLong(6, viewer);
                ps.setString(7, t);
                ps.setString(8, like + "%");
                ps.setInt(9, offset);
                ps.setInt(10, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getLong(1));
                    }
                }
            }
            return out;
        });
        List<Account> loaded = db.withConnection(c -> Accounts.loadMany(c, ids));
        List<Account> ordered = new ArrayList<>();
        for (Long id : ids) {
            loaded.stream().filter(a -> a.id() == id).findFirst().ifPresent(ordered::add);
        }
        return ordered;
    }

    /** Hashtags starting with {@code text} (without '#'), most used in public posts first. */
    public List<Tag> hashtags(String text, int offset, int limit) {
        String t = clean(text, '#');
        check(offset, limit);
        if (t.isEmpty()) {
            return List.of();
        }
        return db.withConnection(c -> {
            List<Tag> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT t.tag, count(*) FROM post_tags t JOIN posts p ON p.id = t.post_id
                    WHERE t.tag LIKE ? ESCAPE '\\' AND p.visibility = 0
                    GROUP BY t.tag ORDER BY (t.tag = ?) DESC, count(*) DESC, t.tag OFFSET ? LIMIT ?""")) {
                ps.setString(1, escape(t) + "%");
                ps.setString(2, t);
                ps.setInt(3, offset);
                ps.setInt(4, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Tag(rs.getString(1), rs.getLong(2)));
                    }
                }
            }
            return out;
        });
    }

    private static void check(int offset, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", was " + limit);
        }
        if (offset < 0 || offset > 10_000) {
            throw new IllegalArgumentException("offset must be 0..10000, was " + offset);
        }
    }

    private static String clean(String text, char sigil) {
        String t = text == null ? "" : text.strip();
        if (t.length() > MAX_TEXT_CHARS) {
            throw new IllegalArgumentException("search text is longer than " + MAX_TEXT_CHARS + " characters");
        }
        if (!t.isEmpty() && t.charAt(0) == sigil) {
            t = t.substring(1);
        }
        return t.toLowerCase(Locale.ROOT);
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
