package dev.starling.social.posts;

import dev.starling.social.common.Outcome;
import dev.starling.social.common.Rejection;
import dev.starling.social.db.Database;
import dev.starling.social.outbox.EventType;
import dev.starling.social.outbox.OutboxWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Posts: create, read one, delete, repost, favourite, bookmark, change visibility. Every read
 * applies the visibility rule ({@link dev.starling.social.visibility.Visibility}); a post the actor
 * may not see is answered as NOT_FOUND, as Mastodon does (404). Every write that others react to
 * appends an outbox row in the same transaction.
 *
 * <p>Ids passed in may be reposts: favourite/bookmark/reblog act on the original, as Mastodon.
 */
public final class Posts {

    private final Database db;
    private final PostText text;
    private final Clock clock;
    private final HydrationCache hydration;

    /** Posts that hydrate pages through SQL only. */
    public Posts(Database db, PostText text, Clock clock) {
        this(db, text, clock, null);
    }

    /** {@code hydration}: pages are hydrated from it while the change feed is live (null: SQL only). */
    public Posts(Database db, PostText text, Clock clock, HydrationCache hydration) {
        this.db = db;
        this.text = text;
        this.clock = clock;
        this.hydration = hydration;
    }

    public PostText rules() {
        return text;
    }

    /** Creates a post. Rejections: INVALID text/spoiler/language, NOT_FOUND reply or quote target, FORBIDDEN quote. */
    public Outcome<Post> create(long authorId, NewPost post) {
        Outcome<PostText.Extracted> checked = text.validateAndExtract(post.text());
        if (checked instanceof Outcome.Rejected<PostText.Extracted> no) {
            return Outcome.rejected(no.rejection());
        }
        PostText.Extracted extracted = ((Outcome.Ok<PostText.Extracted>) checked).value();
        return db.inTransaction(c -> insert(c, authorId, post, extracted));
    }

    /**
     * Creates a post and returns it hydrated for its author, in the same transaction and connection
     * (what the API answers a new post with, without a second look-up). Rejections as {@link #create}.
     */
    public Outcome<PostView> createView(long authorId, NewPost post) {
        Outcome<PostText.Extracted> checked = text.validateAndExtract(post.text());
        if (checked instanceof Outcome.Rejected<PostText.Extracted> no) {
            return Outcome.rejected(no.rejection());
        }
        PostText.Extracted extracted = ((Outcome.Ok<PostText.Extracted>) checked).value();
        return db.inTransaction(c -> {
            if (post.quoteOfId() == null) {
                // Nobody else has seen the uncommitted post yet: its counters are 0 and no flag is set, so only the
                // author is needed, and the insert reads it in the same statement.
                Outcome<PostWriter.Created> created = authorMissingAsNotFound(authorId,
                        () -> PostWriter.insertWithAuthor(c, authorId, post, clock.instant(), extracted));
                return created.map(w -> new PostView(w.post(), w.author(), null, null, 0, 0, 0, false, false, false));
            }
            Outcome<Post> created = insert(c, authorId, post, extracted);
            if (created instanceof Outcome.Rejected<Post> no) {
                return Outcome.<PostView>rejected(no.rejection());
            }
            List<PostView> v = PostViews.hydrate(c, authorId, List.of(((Outcome.Ok<Post>) created).value()));
            if (v.isEmpty()) {
                throw new IllegalStateException("a post just created by account " + authorId + " could not be hydrated");
            }
            return Outcome.ok(v.getFirst());
        });
    }

    private Outcome<Post> insert(Connection c, long authorId, NewPost post, PostText.Extracted extracted) throws SQLException {
        return authorMissingAsNotFound(authorId, () -> PostWriter.insert(c, authorId, post, clock.instant(), true, extracted));
    }

    private interface SqlWrite<T> {
        Outcome<T> run() throws SQLException;
    }

    /** A savepoint-free check: a missing author shows as a foreign-key violation of the one INSERT. */
    private static <T> Outcome<T> authorMissingAsNotFound(long authorId, SqlWrite<T> write) throws SQLException {
        try {
            return write.run();
        } catch (SQLException e) {
            if ("23503".equals(e.getSQLState())) { // foreign_key_violation: the author does not exist
                return Outcome.rejected(Rejection.Kind.NOT_FOUND, "account " + authorId + " not found");
            }
            throw e;
        }
    }

    /** The post when {@code viewerId} (null: anonymous) may see it. */
    public Optional<Post> get(Long viewerId, long postId) {
        return db.read(c -> PostWriter.visible(c, viewerId, postId));
    }

    /** The post hydrated for the viewer (author, original of a repost, counts, flags). */
    public Optional<PostView> view(Long viewerId, long postId) {
        return db.read(c -> {
            Optional<Post> p = PostWriter.visible(c, viewerId, postId);
            if (p.isEmpty()) {
                return Optional.<PostView>empty();
            }
            List<PostView> v = PostViews.hydrate(c, viewerId, List.of(p.get()));
            return v.isEmpty() ? Optional.<PostView>empty() : Optional.of(v.getFirst());
        });
    }

    /** Hydrates posts the caller already knows to be visible to {@code viewerId} (e.g. a timeline page). */
    public List<PostView> views(Long viewerId, List<Post> posts) {
        if (posts.size() > 200) {
            throw new IllegalArgumentException("at most 200 posts per hydration, got " + posts.size());
        }
        if (hydration != null) {
            List<PostView> views = hydration.hydrate(viewerId, posts);
            if (views != null) {
                return views;
            }
        }
        return db.read(c -> PostViews.hydrate(c, viewerId, posts));
    }

    /** {@link #views} through SQL only, whatever the caches hold: what tests hold the cached hydration to. */
    public List<PostView> viewsUncached(Long viewerId, List<Post> posts) {
        return db.read(c -> PostViews.hydrate(c, viewerId, posts));
    }

    /**
     * Deletes the actor's post (hard delete; its reposts, likes, bookmarks, mentions and
     * notifications go with it; replies keep their in_reply_to_id). Returns the deleted post.
     * Deleting one's repost is an un-repost. NOT_FOUND when invisible, FORBIDDEN when not the author.
     */
    public Outcome<Post> delete(long actorId, long postId) {
        return db.inTransaction(c -> {
            Optional<Post> p = PostWriter.visible(c, actorId, postId);
            if (p.isEmpty()) {
                return Outcome.rejected(Rejection.Kind.NOT_FOUND, "post " + postId + " was not found");
            }
            if (p.get().authorId() != actorId) {
                return Outcome.rejected(Rejection.Kind.FORBIDDEN, "only the author can delete a post");
            }
            deleteRow(c, p.get());
            return Outcome.ok(p.get());
        });
    }

    /** Reposts (idempotent; returns the repost row). */
    public Outcome<Post> reblog(long actorId, long postId) {
        return db.inTransaction(c -> PostWriter.reblog(c, actorId, postId, clock.instant()));
    }

    /**
     * Removes the actor's repost of {@code postId} (or of its original); returns the original. The
     * actor's own repost is removed even when the original is no longer visible to them (made
     * followers-only or direct since); the original is still returned, so callers must check
     * visibility ({@link #view}) before showing it. NOT_FOUND when neither visible nor reposted.
     */
    public Outcome<Post> unreblog(long actorId, long postId) {
        return db.inTransaction(c -> {
            Optional<Post> original = PostWriter.visibleOriginal(c, actorId, postId);
            if (original.isEmpty()) {
                // One can always remove one's own repost, even of a post one may no longer see (it became
                // followers-only or direct since): the repost goes; the original is returned to the caller,
                // who must not show it ({@link #view} of it is empty for this actor).
                Optional<Post> mine = ownReblog(c, actorId, postId);
                if (mine.isEmpty()) {
                    return Outcome.rejected(Rejection.Kind.NOT_FOUND, "post " + postId + " was not found");
                }
                Optional<Post> hiddenOriginal = PostRows.load(c, mine.get().reblogOfId());
                deleteRow(c, mine.get());
                if (hiddenOriginal.isEmpty()) {
                    return Outcome.rejected(Rejection.Kind.NOT_FOUND, "post " + postId + " was not found");
                }
                return Outcome.ok(hiddenOriginal.get());
            }
            Optional<Long> mine = PostWriter.existingReblog(c, actorId, original.get().id());
            if (mine.isPresent()) {
                // A concurrent unreblog may have removed it since (READ COMMITTED): then there is nothing left to do.
                Optional<Post> row = PostRows.load(c, mine.get());
                if (row.isPresent()) {
                    deleteRow(c, row.get());
                }
            }
            return Outcome.ok(original.get());
        });
    }

    /** The actor's repost of {@code postId}, or {@code postId} itself when it is the actor's repost; no visibility check. */
    private static Optional<Post> ownReblog(Connection c, long actorId, long postId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + PostRows.COLUMNS + " FROM posts p WHERE p.author_id = ?"
                + " AND (p.reblog_of_id = ? OR (p.id = ? AND p.reblog_of_id IS NOT NULL)) LIMIT 1")) {
            ps.setLong(1, actorId);
            ps.setLong(2, postId);
            ps.setLong(3, postId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(PostRows.map(rs)) : Optional.empty();
            }
        }
    }

    /** Favourites (idempotent); returns the original post. */
    public Outcome<Post> favourite(long actorId, long postId) {
        return db.inTransaction(c -> PostWriter.favourite(c, actorId, postId, clock.instant()));
    }

    public Outcome<Post> unfavourite(long actorId, long postId) {
        return db.inTransaction(c -> {
            Optional<Post> p = PostWriter.visibleOriginal(c, actorId, postId);
            if (p.isEmpty()) {
                return Outcome.rejected(Rejection.Kind.NOT_FOUND, "post " + postId + " was not found");
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM favourites WHERE account_id = ? AND post_id = ?")) {
                ps.setLong(1, actorId);
                ps.setLong(2, p.get().id());
                if (ps.executeUpdate() == 1) {
                    OutboxWriter.append(c, EventType.UNFAVOURITED, p.get().id(), actorId, Map.of("author_id", p.get().authorId()));
                }
            }
            return Outcome.ok(p.get());
        });
    }

    public Outcome<Post> bookmark(long actorId, long postId) {
        return db.inTransaction(c -> {
            Optional<Post> p = PostWriter.visibleOriginal(c, actorId, postId);
            if (p.isEmpty()) {
                return Outcome.rejected(Rejection.Kind.NOT_FOUND, "post " + postId + " was not found");
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO bookmarks (id, account_id, post_id, created_at) VALUES (snowflake_id(?), ?, ?, ?)
                    ON CONFLICT (account_id, post_id) DO NOTHING""")) {
                Timestamp ts = Timestamp.from(clock.instant());
                ps.setTimestamp(1, ts);
                ps.setLong(2, actorId);
                ps.setLong(3, p.get().id());
                ps.setTimestamp(4, ts);
                ps.executeUpdate();
            }
            return Outcome.ok(p.get());
        });
    }

    public Outcome<Post> unbookmark(long actorId, long postId) {
        return db.inTransaction(c -> {
            Optional<Post> p = PostWriter.visibleOriginal(c, actorId, postId);
            if (p.isEmpty()) {
                return Outcome.rejected(Rejection.Kind.NOT_FOUND, "post " + postId + " was not found");
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM bookmarks WHERE account_id = ? AND post_id = ?")) {
                ps.setLong(1, actorId);
                ps.setLong(2, p.get().id());
                ps.executeUpdate();
            }
            return Outcome.ok(p.get());
        });
    }

    /** Changes the visibility of the actor's own post (not a repost); its reposts follow it. */
    public Outcome<Post> changeVisibility(long actorId, long postId, PostVisibility visibility) {
        return db.inTransaction(c -> {
            Optional<Post> p = PostWriter.visible(c, actorId, postId);
            if (p.isEmpty()) {
                return Outcome.rejected(Rejection.Kind.NOT_FOUND, "post " + postId + " was not found");
            }
            if (p.get().authorId() != actorId) {
                return Outcome.rejected(Rejection.Kind.FORBIDDEN, "only the author can change a post's visibility");
            }
            if (p.get().isReblog()) {
                return Outcome.rejected(Rejection.Kind.INVALID, "a repost's visibility is its original's");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE posts SET visibility = ?, edited_at = ? WHERE id = ? OR reblog_of_id = ?")) {
                ps.setInt(1, visibility.code());
                ps.setTimestamp(2, Timestamp.from(clock.instant()));
                ps.setLong(3, postId);
                ps.setLong(4, postId);
                ps.executeUpdate();
            }
            Map<String, Object> payload = new HashMap<>();
            payload.put("author_id", actorId);
            payload.put("old_visibility", p.get().visibility().mastodonName());
            payload.put("visibility", visibility.mastodonName());
            OutboxWriter.append(c, EventType.POST_VISIBILITY_CHANGED, postId, actorId, payload);
            return Outcome.ok(PostRows.load(c, postId).orElseThrow());
        });
    }

    /** Total number of posts including reposts (instance stats). */
    public long count() {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM posts"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** Deletes a post row with post.deleted outbox rows for it and for its reposts (which cascade). */
    static void deleteRow(Connection c, Post p) throws SQLException {
        List<long[]> reblogs = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, author_id FROM posts WHERE reblog_of_id = ?")) {
            ps.setLong(1, p.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reblogs.add(new long[] {rs.getLong(1), rs.getLong(2)});
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM posts WHERE id = ?")) {
            ps.setLong(1, p.id());
            if (ps.executeUpdate() == 0) {
                return; // a concurrent request deleted it and wrote the events
            }
        }
        Map<String, Object> payload = new HashMap<>();
        payload.put("author_id", p.authorId());
        payload.put("reblog_of_id", p.reblogOfId());
        OutboxWriter.append(c, EventType.POST_DELETED, p.id(), p.authorId(), payload);
        for (long[] r : reblogs) {
            Map<String, Object> rp = new HashMap<>();
            rp.put("author_id", r[1]);
            rp.put("reblog_of_id", p.id());
            OutboxWriter.append(c, EventType.POST_DELETED, r[0], r[1], rp);
        }
    }
}
