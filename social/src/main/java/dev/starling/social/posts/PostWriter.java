package dev.starling.social.posts;

import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.AccountRows;
import dev.starling.social.common.Outcome;
import dev.starling.social.common.Rejection;
import dev.starling.social.notifications.NotificationType;
import dev.starling.social.notifications.NotificationWriter;
import dev.starling.social.outbox.EventType;
import dev.starling.social.outbox.OutboxWriter;
import dev.starling.social.visibility.VisibilitySql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Writes one post inside the caller's transaction: validation of references, entity extraction
 * and mention resolution, the row, mentions, tags, notifications and the post.created outbox row.
 * Used by {@link Posts}, the demo builder and the importers (which pass historical timestamps).
 */
public final class PostWriter {

    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8})?");

    private PostWriter() {
    }

    /**
     * Creates a post by {@code authorId} at {@code createdAt}. The text must already be validated
     * by {@link PostText#validate}; the rest is checked here.
     */
    public static Outcome<Post> insert(Connection c, long authorId, NewPost np, Instant createdAt) throws SQLException {
        return insert(c, authorId, np, createdAt, true);
    }

    /**
     * As {@link #insert(Connection, long, NewPost, Instant)}; with {@code live} false (imported
     * history) "@name" in the text is not linked to local accounts and nobody is notified, since
     * a handle on another network is not the local account of the same name.
     */
    public static Outcome<Post> insert(Connection c, long authorId, NewPost np, Instant createdAt, boolean live) throws SQLException {
        return insert(c, authorId, np, createdAt, live, null);
    }

    /** As above, with the text's entities already extracted ({@link PostText#validateAndExtract}), or null to extract them here. */
    static Outcome<Post> insert(Connection c, long authorId, NewPost np, Instant createdAt, boolean live, PostText.Extracted extracted)
            throws SQLException {
        return write(c, authorId, np, createdAt, live, extracted, false).map(Created::post);
    }

    /** A post just written, and (when asked for) its author as the post's own statement read it. */
    record Created(Post post, Account author) {
    }

    /**
     * As {@link #insert(Connection, long, NewPost, Instant, boolean, PostText.Extracted)}, and reads the
     * author in the same statement (one round trip less for the API's answer). The author's counters
     * count the new post: the statement sees the stored counters as they were before its own trigger
     * ran, so the post is added here exactly as the trigger adds it (statuses_count + 1, last_status_at
     * at least the post's time). A missing author is a foreign-key violation, as for {@code insert}.
     */
    static Outcome<Created> insertWithAuthor(Connection c, long authorId, NewPost np, Instant createdAt, PostText.Extracted extracted)
            throws SQLException {
        return write(c, authorId, np, createdAt, true, extracted, true);
    }

    private static final String INSERT_CTE = """
            WITH p AS (
              INSERT INTO posts (id, author_id, text, visibility, in_reply_to_id, in_reply_to_account_id, thread_root_id,
                                 quote_of_id, language, sensitive, spoiler_text, hashtags, urls, cashtags, created_at)
              VALUES (snowflake_id(?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id, created_at),
            m AS (INSERT INTO post_mentions (post_id, account_id) SELECT p.id, x FROM p, unnest(?::bigint[]) AS x),
            t AS (INSERT INTO post_tags (tag, post_id) SELECT DISTINCT x, p.id FROM p, unnest(?::text[]) AS x),
            o AS (INSERT INTO outbox (type, aggregate_id, account_id, payload) SELECT ?, p.id, ?, ?::jsonb FROM p)
            """;
    private static final String INSERT_SQL = INSERT_CTE + "SELECT p.id AS post_id, p.created_at AS post_created_at FROM p";
    /** The author's row beside the new id; {@link AccountRows#COLUMNS} with the stored counters (alias s). */
    private static final String INSERT_WITH_AUTHOR_SQL = INSERT_CTE + "SELECT p.id AS post_id, p.created_at AS post_created_at, " + AccountRows.COLUMNS
            + " FROM p LEFT JOIN accounts a ON a.id = ?" + AccountRows.JOIN_STATS;

    private static Outcome<Created> write(Connection c, long authorId, NewPost np, Instant createdAt, boolean live, PostText.Extracted extracted,
            boolean withAuthor) throws SQLException {
        PostVisibility visibility = np.visibility() == null ? PostVisibility.PUBLIC : np.visibility();
        String spoiler = np.spoilerText() == null ? "" : np.spoilerText();
        if (spoiler.length() > PostText.MAX_SPOILER_CHARS) {
            return Outcome.rejected(Rejection.Kind.INVALID, "spoiler_text is too long (maximum is " + PostText.MAX_SPOILER_CHARS + " characters)");
        }
        if (np.language() != null && !LANGUAGE.matcher(np.language()).matches()) {
            return Outcome.rejected(Rejection.Kind.INVALID, "language must be an ISO 639 code such as 'en' or 'pt-BR'");
        }
        Long inReplyToId = null;
        Long inReplyToAccountId = null;
        Long threadRootId = null;
        if (np.inReplyToId() != null) {
            Optional<Post> parent = visibleOriginal(c, authorId, np.inReplyToId());
            if (parent.isEmpty()) {
                return Outcome.rejected(Rejection.Kind.NOT_FOUND, "the post replied to (in_reply_to_id " + np.inReplyToId() + ") was not found");
            }
            inReplyToId = parent.get().id();
            inReplyToAccountId = parent.get().authorId();
            threadRootId = parent.get().threadRootId() != null ? parent.get().threadRootId() : parent.get().id();
        }
        Long quoteOfId = null;
        if (np.quoteOfId() != null) {
            Optional<Post> quoted = visibleOriginal(c, authorId, np.quoteOfId());
            if (quoted.isEmpty()) {
                return Outcome.rejected(Rejection.Kind.NOT_FOUND, "the quoted post (" + np.quoteOfId() + ") was not found");
            }
            Post q = quoted.get();
            if (q.visibility() != PostVisibility.PUBLIC && q.visibility() != PostVisibility.UNLISTED && q.authorId() != authorId) {
                return Outcome.rejected(Rejection.Kind.FORBIDDEN, "only public or unlisted posts can be quoted");
            }
            quoteOfId = q.id();
        }
        PostText.Extracted ex = extracted != null ? extracted : PostText.extract(np.text());
        Map<Long, String> mentions = live ? resolveMentions(c, ex.mentionedUsernames()) : new LinkedHashMap<>();
        if (inReplyToAccountId != null && inReplyToAccountId != authorId && !mentions.containsKey(inReplyToAccountId)) {
            mentions.put(inReplyToAccountId, username(c, inReplyToAccountId));
        }
        Map<String, Object> payload = new HashMap<>();
        payload.put("author_id", authorId);
        payload.put("visibility", visibility.mastodonName());
        payload.put("in_reply_to_id", inReplyToId);
        payload.put("quote_of_id", quoteOfId);
        List<String> lowerTags = new ArrayList<>();
        for (String t : ex.hashtags()) {
            lowerTags.add(t.toLowerCase(Locale.ROOT));
        }
        boolean sensitive = np.sensitive() || !spoiler.isEmpty();
        long id;
        Instant stored; // as PostgreSQL stored it (microseconds, rounded)
        Account author = null;
        // One round trip: the post, its mentions and tags, its outbox row (and, when asked for, its author).
        try (PreparedStatement ps = c.prepareStatement(withAuthor ? INSERT_WITH_AUTHOR_SQL : INSERT_SQL)) {
            Timestamp ts = Timestamp.from(createdAt);
            ps.setTimestamp(1, ts);
            ps.setLong(2, authorId);
            ps.setString(3, np.text());
            ps.setInt(4, visibility.code());
            setLong(ps, 5, inReplyToId);
            setLong(ps, 6, inReplyToAccountId);
            setLong(ps, 7, threadRootId);
            setLong(ps, 8, quoteOfId);
            ps.setString(9, np.language());
            ps.setBoolean(10, sensitive);
            ps.setString(11, spoiler);
            ps.setArray(12, c.createArrayOf("text", ex.hashtags().toArray()));
            ps.setArray(13, c.createArrayOf("text", ex.urls().toArray()));
            ps.setArray(14, c.createArrayOf("text", ex.cashtags().toArray()));
            ps.setTimestamp(15, ts);
            ps.setArray(16, c.createArrayOf("bigint", mentions.keySet().toArray()));
            ps.setArray(17, c.createArrayOf("text", lowerTags.toArray()));
            ps.setString(18, EventType.POST_CREATED.wireName());
            ps.setLong(19, authorId);
            ps.setString(20, OutboxWriter.json(payload));
            if (withAuthor) {
                ps.setLong(21, authorId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong("post_id");
                stored = rs.getTimestamp("post_created_at").toInstant();
                if (withAuthor) {
                    rs.getLong("id");
                    if (rs.wasNull()) {
                        throw new IllegalStateException("the author " + authorId + " of a post just created is missing");
                    }
                    author = countingNewPost(AccountRows.map(rs), stored);
                }
            }
        }
        RecentPosts.append(authorId, id); // before commit: a committed post is never missing from the home feeds' log
        if (live) {
            for (Long m : mentions.keySet()) {
                NotificationWriter.notify(c, m, NotificationType.MENTION, authorId, id, createdAt);
            }
        }
        List<Entities.Mention> ms = new ArrayList<>();
        mentions.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> ms.add(new Entities.Mention(e.getKey(), e.getValue())));
        Entities entities = new Entities(ex.hashtags(), ms, ex.urls(), ex.cashtags());
        return Outcome.ok(new Created(new Post(id, authorId, np.text(), visibility, inReplyToId, inReplyToAccountId, threadRootId, null,
                quoteOfId, np.language(), sensitive, spoiler, entities, stored, null), author));
    }

    /** The author as read before the posts trigger ran, with the new post counted as the trigger counts it. */
    private static Account countingNewPost(Account a, Instant at) {
        Instant last = a.lastStatusAt() == null || a.lastStatusAt().isBefore(at) ? at : a.lastStatusAt();
        return new Account(a.id(), a.username(), a.email(), a.displayName(), a.note(), a.avatarUrl(), a.locked(), a.bot(),
                a.aiTrainingConsent(), a.createdAt(), a.followersCount(), a.followingCount(), a.statusesCount() + 1, last,
                a.defaultVisibility());
    }

    /**
     * Creates (or returns the existing) repost of {@code postId} by {@code actorId}. Public and
     * unlisted posts may be reposted by anyone who sees them, private posts only by their author,
     * direct posts never.
     */
    public static Outcome<Post> reblog(Connection c, long actorId, long postId, Instant at) throws SQLException {
        Optional<Post> target = visibleOriginal(c, actorId, postId);
        if (target.isEmpty()) {
            return Outcome.rejected(Rejection.Kind.NOT_FOUND, "post " + postId + " was not found");
        }
        Post original = target.get();
        boolean allowed = switch (original.visibility()) {
            case PUBLIC, UNLISTED -> true;
            case PRIVATE -> original.authorId() == actorId;
            case DIRECT -> false;
        };
        if (!allowed) {
            return Outcome.rejected(Rejection.Kind.FORBIDDEN, "this post's visibility does not allow reposts");
        }
        // Under READ COMMITTED a concurrent unreblog can delete the row found here before it is read, and a
        // concurrent reblog can insert it between our look and our insert: look, insert, and look again, a few times.
        long id = -1;
        for (int attempt = 0; id < 0; attempt++) {
            if (attempt == 3) {
                return Outcome.rejected(Rejection.Kind.CONFLICT, "this repost is being changed by another request; try again");
            }
            Optional<Long> existing = existingReblog(c, actorId, original.id());
            if (existing.isPresent()) {
                Optional<Post> row = PostRows.load(c, existing.get());
                if (row.isPresent()) {
                    return Outcome.ok(row.get());
                }
                continue; // deleted meanwhile
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO posts (id, author_id, text, visibility, reblog_of_id, created_at)
                    VALUES (snowflake_id(?), ?, '', ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id""")) {
                Timestamp ts = Timestamp.from(at);
                ps.setTimestamp(1, ts);
                ps.setLong(2, actorId);
                ps.setInt(3, original.visibility().code());
                ps.setLong(4, original.id());
                ps.setTimestamp(5, ts);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        id = rs.getLong(1);
                        RecentPosts.append(actorId, id);
                    } // else a concurrent request created it first: the next look finds it
                }
            }
        }
        NotificationWriter.notify(c, original.authorId(), NotificationType.REBLOG, actorId, id, at);
        Map<String, Object> payload = new HashMap<>();
        payload.put("author_id", actorId);
        payload.put("reblog_of_id", original.id());
        payload.put("visibility", original.visibility().mastodonName());
        OutboxWriter.append(c, EventType.POST_CREATED, id, actorId, payload);
        return Outcome.ok(PostRows.load(c, id).orElseThrow());
    }

    /** Favourites {@code postId} (a repost favourites its original); idempotent. Returns the original. */
    public static Outcome<Post> favourite(Connection c, long actorId, long postId, Instant at) throws SQLException {
        Optional<Post> target = visibleOriginal(c, actorId, postId);
        if (target.isEmpty()) {
            return Outcome.rejected(Rejection.Kind.NOT_FOUND, "post " + postId + " was not found");
        }
        Post p = target.get();
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO favourites (id, account_id, post_id, created_at) VALUES (snowflake_id(?), ?, ?, ?)
                ON CONFLICT (account_id, post_id) DO NOTHING""")) {
            Timestamp ts = Timestamp.from(at);
            ps.setTimestamp(1, ts);
            ps.setLong(2, actorId);
            ps.setLong(3, p.id());
            ps.setTimestamp(4, ts);
            if (ps.executeUpdate() == 1) {
                NotificationWriter.notify(c, p.authorId(), NotificationType.FAVOURITE, actorId, p.id(), at);
                OutboxWriter.append(c, EventType.FAVOURITED, p.id(), actorId, Map.of("author_id", p.authorId()));
            }
        }
        return Outcome.ok(p);
    }

    /**
     * The post {@code postId} (or, for a repost, its original) when {@code viewerId} may see it.
     */
    public static Optional<Post> visibleOriginal(Connection c, Long viewerId, long postId) throws SQLException {
        Optional<Post> p = visible(c, viewerId, postId);
        if (p.isPresent() && p.get().isReblog()) {
            return PostRows.load(c, p.get().reblogOfId());
        }
        return p;
    }

    /** The post {@code postId} when {@code viewerId} (null: anonymous) may see it. */
    public static Optional<Post> visible(Connection c, Long viewerId, long postId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + PostRows.COLUMNS + " FROM " + VisibilitySql.VIEWER
                + ", posts p LEFT JOIN posts o ON o.id = p.reblog_of_id WHERE p.id = ? AND " + VisibilitySql.canSee("p", "o"))) {
            ps.setLong(1, VisibilitySql.viewerParam(viewerId));
            ps.setLong(2, postId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(PostRows.map(rs)) : Optional.empty();
            }
        }
    }

    static Optional<Long> existingReblog(Connection c, long actorId, long originalId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM posts WHERE author_id = ? AND reblog_of_id = ?")) {
            ps.setLong(1, actorId);
            ps.setLong(2, originalId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    /** Maps usernames (case-insensitive) to local account ids, in text order; unknown names dropped. */
    static Map<Long, String> resolveMentions(Connection c, List<String> usernames) throws SQLException {
        Map<Long, String> out = new LinkedHashMap<>();
        if (usernames.isEmpty()) {
            return out;
        }
        List<String> lower = new ArrayList<>();
        for (String u : usernames) {
            lower.add(u.toLowerCase(Locale.ROOT));
        }
        Map<String, Long> found = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, username FROM accounts WHERE lower(username) = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("text", lower.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(2).toLowerCase(Locale.ROOT), rs.getLong(1));
                    names.put(rs.getLong(1), rs.getString(2));
                }
            }
        }
        for (String l : lower) {
            Long id = found.get(l);
            if (id != null) {
                out.put(id, names.get(id));
            }
        }
        return out;
    }

    private static String username(Connection c, long accountId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT username FROM accounts WHERE id = ?")) {
            ps.setLong(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        }
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }
}
