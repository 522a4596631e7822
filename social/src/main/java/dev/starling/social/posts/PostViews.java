package dev.starling.social.posts;

import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.AccountRows;
import dev.starling.social.visibility.VisibilitySql;
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

/** Hydrates posts into {@link PostView}s with a fixed number of queries per page. */
public final class PostViews {

    private PostViews() {
    }

    /**
     * Hydrates {@code posts} (already known visible to {@code viewerId}) in order. Reposts whose
     * original vanished are dropped. Quotes are included only when visible to the viewer.
     */
    public static List<PostView> hydrate(Connection c, Long viewerId, List<Post> posts) throws SQLException {
        if (posts.isEmpty()) {
            return List.of();
        }
        Map<Long, Post> all = byId(posts);
        all.putAll(PostRows.loadMany(c, missingOriginals(posts, all)));
        Set<Long> quoteIds = new HashSet<>();
        for (Post p : all.values()) {
            if (p.quoteOfId() != null) {
                quoteIds.add(p.quoteOfId());
            }
        }
        Set<Long> visibleQuotes = visibleSubset(c, viewerId, quoteIds);
        Set<Long> missingQuotes = new HashSet<>(visibleQuotes);
        missingQuotes.removeAll(all.keySet());
        all.putAll(PostRows.loadMany(c, missingQuotes));

        Map<Long, Account> authors = new HashMap<>();
        List<Long> ids = new ArrayList<>(all.size());
        List<Long> authorOf = new ArrayList<>(all.size());
        for (Post p : all.values()) {
            ids.add(p.id());
            authorOf.add(p.authorId());
        }
        Map<Long, Long> replies = new HashMap<>();
        Map<Long, Long> reblogs = new HashMap<>();
        Map<Long, Long> favs = new HashMap<>();
        Set<Long> myFavs = new HashSet<>();
        Set<Long> myReblogs = new HashSet<>();
        Set<Long> myBookmarks = new HashSet<>();
        // Stored counts (migration V2), the viewer's flags and the author's row for every post in one round trip.
        try (PreparedStatement ps = c.prepareStatement(COUNTS_FLAGS_AUTHORS)) {
            long viewer = viewerId == null ? 0L : viewerId;
            ps.setLong(1, viewer);
            ps.setLong(2, viewer);
            ps.setLong(3, viewer);
            ps.setArray(4, c.createArrayOf("bigint", ids.toArray()));
            ps.setArray(5, c.createArrayOf("bigint", authorOf.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong("post_id");
                    replies.put(id, rs.getLong("post_replies"));
                    reblogs.put(id, rs.getLong("post_reblogs"));
                    favs.put(id, rs.getLong("post_favourites"));
                    if (viewerId != null) {
                        if (rs.getBoolean("my_favourite")) {
                            myFavs.add(id);
                        }
                        if (rs.getBoolean("my_reblog")) {
                            myReblogs.add(id);
                        }
                        if (rs.getBoolean("my_bookmark")) {
                            myBookmarks.add(id);
                        }
                    }
                    rs.getLong("id");
                    if (!rs.wasNull()) {
                        Account a = AccountRows.map(rs);
                        authors.putIfAbsent(a.id(), a);
                    }
                }
            }
        }
        return assemble(posts, new Ctx(all, authors, replies, reblogs, favs, myFavs, myReblogs, myBookmarks, visibleQuotes));
    }

    /** The posts by id (a new, modifiable map). */
    static Map<Long, Post> byId(List<Post> posts) {
        Map<Long, Post> all = new HashMap<>();
        for (Post p : posts) {
            all.put(p.id(), p);
        }
        return all;
    }

    /** The ids of the originals of reposts among {@code posts} that {@code all} does not hold. */
    public static Set<Long> missingOriginals(Collection<Post> posts, Map<Long, Post> all) {
        Set<Long> originals = new HashSet<>();
        for (Post p : posts) {
            if (p.isReblog() && !all.containsKey(p.reblogOfId())) {
                originals.add(p.reblogOfId());
            }
        }
        return originals;
    }

    /** The views of {@code posts} in order from what was read about them (SQL here, or {@link HydrationCache}). */
    static List<PostView> assemble(List<Post> posts, Ctx ctx) {
        List<PostView> out = new ArrayList<>(posts.size());
        for (Post p : posts) {
            PostView v = ctx.view(p, true, true);
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    /** Per post (ids and their authors as two aligned arrays): counts, the viewer's flags, and the author's columns ({@link AccountRows}). */
    private static final String COUNTS_FLAGS_AUTHORS = """
            SELECT x.id AS post_id,
              coalesce(ps.replies_count, 0) AS post_replies,
              coalesce(ps.reblogs_count, 0) AS post_reblogs,
              coalesce(ps.favourites_count, 0) AS post_favourites,
              EXISTS (SELECT 1 FROM favourites f WHERE f.account_id = ? AND f.post_id = x.id) AS my_favourite,
              EXISTS (SELECT 1 FROM posts r WHERE r.author_id = ? AND r.reblog_of_id = x.id) AS my_reblog,
              EXISTS (SELECT 1 FROM bookmarks b WHERE b.account_id = ? AND b.post_id = x.id) AS my_bookmark,
              au.*
            FROM unnest(?::bigint[], ?::bigint[]) AS x(id, author_id) LEFT JOIN post_stats ps ON ps.post_id = x.id
            LEFT JOIN LATERAL (SELECT""" + " " + AccountRows.COLUMNS + " FROM accounts a" + AccountRows.JOIN_STATS + "WHERE a.id = x.author_id) au ON true";

    /** Everything a page's views are made of: posts (with originals and visible quotes), authors, counts, the viewer's flags. */
    record Ctx(Map<Long, Post> all, Map<Long, Account> authors, Map<Long, Long> replies, Map<Long, Long> reblogs,
                       Map<Long, Long> favs, Set<Long> myFavs, Set<Long> myReblogs, Set<Long> myBookmarks, Set<Long> visibleQuotes) {

        /** {@code allowReblog}: may unwrap a repost; {@code allowQuote}: may attach the quoted post (one level each). */
        PostView view(Post p, boolean allowReblog, boolean allowQuote) {
            Account author = authors.get(p.authorId());
            if (author == null) {
                return null;
            }
            PostView reblog = null;
            if (p.isReblog()) {
                Post original = all.get(p.reblogOfId());
                if (original == null || !allowReblog) {
                    return null;
                }
                reblog = view(original, false, true);
                if (reblog == null) {
                    return null;
                }
            }
            PostView quote = null;
            if (p.quoteOfId() != null && allowQuote && visibleQuotes.contains(p.quoteOfId()) && all.containsKey(p.quoteOfId())) {
                Post q = all.get(p.quoteOfId());
                if (!q.isReblog()) {
                    quote = view(q, false, false);
                }
            }
            long id = p.id();
            return new PostView(p, author, reblog, quote,
                    replies.getOrDefault(id, 0L), reblogs.getOrDefault(id, 0L), favs.getOrDefault(id, 0L),
                    myFavs.contains(id), myReblogs.contains(id), myBookmarks.contains(id));
        }
    }

    /** The ids among {@code ids} that {@code viewerId} may see (SQL visibility rule). */
    public static Set<Long> visibleSubset(Connection c, Long viewerId, Collection<Long> ids) throws SQLException {
        Set<Long> out = new HashSet<>();
        if (ids.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT p.id FROM " + VisibilitySql.VIEWER
                + ", posts p LEFT JOIN posts o ON o.id = p.reblog_of_id WHERE p.id = ANY(?) AND " + VisibilitySql.canSee("p", "o"))) {
            ps.setLong(1, VisibilitySql.viewerParam(viewerId));
            ps.setArray(2, c.createArrayOf("bigint", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }
}
