package dev.starling.social.posts;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SELECT list and row mapping for {@link Post}, shared by posts and timelines. Alias {@code p}. */
public final class PostRows {

    private PostRows() {
    }

    /**
     * The post's columns, its mentions as two aligned arrays ({@code mention_ids}, {@code mention_usernames}).
     *
     * <p>The mention subqueries (two per row, each with a sort, a third of the home page's visibility
     * statement's PostgreSQL CPU) run only for a post that can have mentions ({@link #mayHaveMentions}):
     * {@link PostWriter} writes mention rows only for names that twitter-text extracted from the text, which
     * needs an at sign ({@code @} or the full-width {@code U+FF20}, twitter-text's {@code AT_SIGNS}), and for the
     * account a reply answers. Any other post's arrays are empty, as the subqueries would find them.
     * {@code PostMentionsHydrationTest} holds this rule to the rows.
     */
    public static String columns(String p) {
        String guard = mayHaveMentions(p);
        return p + ".id, " + p + ".author_id, " + p + ".text, " + p + ".visibility, " + p + ".in_reply_to_id, "
                + p + ".in_reply_to_account_id, " + p + ".thread_root_id, " + p + ".reblog_of_id, " + p + ".quote_of_id, "
                + p + ".language, " + p + ".sensitive, " + p + ".spoiler_text, " + p + ".hashtags, " + p + ".urls, "
                + p + ".cashtags, " + p + ".created_at, " + p + ".edited_at, "
                + "CASE WHEN " + guard + " THEN ARRAY(SELECT m.account_id FROM post_mentions m WHERE m.post_id = " + p
                + ".id ORDER BY m.account_id) ELSE '{}'::bigint[] END AS mention_ids, "
                + "CASE WHEN " + guard + " THEN ARRAY(SELECT ma.username FROM post_mentions m JOIN accounts ma ON ma.id = m.account_id"
                + " WHERE m.post_id = " + p + ".id ORDER BY m.account_id) ELSE '{}'::text[] END AS mention_usernames";
    }

    /** SQL: the post of row alias {@code p} may have mention rows (see {@link #columns}). */
    static String mayHaveMentions(String p) {
        return "(" + p + ".in_reply_to_account_id IS NOT NULL OR strpos(" + p + ".text, '@') > 0 OR strpos(" + p + ".text, '\uFF20') > 0)";
    }

    public static final String COLUMNS = columns("p");

    public static Post map(ResultSet rs) throws SQLException {
        Long[] mentionIds = (Long[]) rs.getArray("mention_ids").getArray();
        String[] mentionNames = (String[]) rs.getArray("mention_usernames").getArray();
        List<Entities.Mention> mentions = new ArrayList<>(mentionIds.length);
        for (int i = 0; i < mentionIds.length; i++) {
            mentions.add(new Entities.Mention(mentionIds[i], mentionNames[i]));
        }
        Entities e = new Entities(strings(rs.getArray("hashtags")), mentions, strings(rs.getArray("urls")), strings(rs.getArray("cashtags")));
        Timestamp edited = rs.getTimestamp("edited_at");
        return new Post(
                rs.getLong("id"),
                rs.getLong("author_id"),
                rs.getString("text"),
                PostVisibility.fromCode(rs.getInt("visibility")),
                nullableLong(rs, "in_reply_to_id"),
                nullableLong(rs, "in_reply_to_account_id"),
                nullableLong(rs, "thread_root_id"),
                nullableLong(rs, "reblog_of_id"),
                nullableLong(rs, "quote_of_id"),
                rs.getString("language"),
                rs.getBoolean("sensitive"),
                rs.getString("spoiler_text"),
                e,
                rs.getTimestamp("created_at").toInstant(),
                edited == null ? null : edited.toInstant());
    }

    private static List<String> strings(Array a) throws SQLException {
        return a == null ? List.of() : Arrays.asList((String[]) a.getArray());
    }

    static Long nullableLong(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : v;
    }

    /** Loads a post by id, without any visibility check (internal use). */
    public static Optional<Post> load(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM posts p WHERE p.id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    /** Loads posts by id without visibility checks; missing ids are absent from the map. */
    public static Map<Long, Post> loadMany(Connection c, Collection<Long> ids) throws SQLException {
        Map<Long, Post> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM posts p WHERE p.id = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Post post = map(rs);
                    out.put(post.id(), post);
                }
            }
        }
        return out;
    }
}
