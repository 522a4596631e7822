package dev.starling.social.accounts;

import dev.starling.social.posts.PostVisibility;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;

/** The SELECT list and row mapping for {@link Account}, shared by every query that returns accounts. */
public final class AccountRows {

    private AccountRows() {
    }

    /**
     * Columns for alias {@code a} with its stored counters (alias {@code s}); use as
     * {@code SELECT  + COLUMNS +  FROM accounts a  + JOIN_STATS + ...}. The counters are kept by the
     * triggers of migration V2 (a missing stats row means zeros).
     */
    public static final String COLUMNS = """
            a.id, a.username, a.email, a.display_name, a.note, a.avatar_url, a.locked, a.bot, a.ai_training_consent, a.created_at,
            a.default_visibility,
            coalesce(s.followers_count, 0) AS followers_count,
            coalesce(s.following_count, 0) AS following_count,
            coalesce(s.statuses_count, 0) AS statuses_count,
            s.last_status_at AS last_status_at
            """;

    /** The join that {@link #COLUMNS} needs, right after {@code accounts a}. */
    public static final String JOIN_STATS = " LEFT JOIN account_stats s ON s.account_id = a.id ";

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
                last == null ? null : last.toInstant(),
                PostVisibility.fromCode(rs.getShort("default_visibility")));
    }
}
