package dev.starling.social.accounts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;

/** The SELECT list and row mapping for {@link Account}, shared by every query that returns accounts. */
public final class AccountRows {

    private AccountRows() {
    }

    /** Columns for alias {@code a}; use as {@code SELECT  + COLUMNS +  FROM accounts a ...}. */
    public static final String COLUMNS = """
            a.id, a.username, a.email, a.display_name, a.note, a.avatar_url, a.locked, a.bot, a.ai_training_consent, a.created_at,
            (SELECT count(*) FROM follows f WHERE f.followee_id = a.id) AS followers_count,
            (SELECT count(*) FROM follows f WHERE f.follower_id = a.id) AS following_count,
            (SELECT count(*) FROM posts p WHERE p.author_id = a.id) AS statuses_count,
            (SELECT p.created_at FROM posts p WHERE p.author_id = a.id ORDER BY p.id DESC LIMIT 1) AS last_status_at
            """;

    public static Account map(ResultSet rs) throws SQLException {
        Timestamp last = rs.getTimestamp("last_status_at");
        return new Account(
                rs.getLong("id"),
                rs.getString("username"),
                rs.getString("email"),
                rs.getString("display_name"),
                rs.getString("note"),
                rs.getString("avatar_url"),
                rs.getBoolean("locked"),
                rs.getBoolean("bot"),
                rs.getBoolean("ai_training_consent"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getLong("followers_count"),
                rs.getLong("following_count"),
                rs.getLong("statuses_count"),
                last == null ? null : last.toInstant());
    }
}
