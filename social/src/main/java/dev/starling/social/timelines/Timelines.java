package dev.starling.social.timelines;

import dev.starling.social.common.Page;
import dev.starling.social.common.Paging;
import dev.starling.social.common.Slice;
import dev.starling.social.changes.Change;
import dev.starling.social.changes.ChangeFeed;
import dev.starling.social.db.Database;
import dev.starling.social.outbox.Outbox;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostCache;
import dev.starling.social.posts.PostRows;
import dev.starling.social.posts.PostWriter;
import dev.starling.social.posts.RecentPosts;
import dev.starling.social.visibility.ViewerCache;
import dev.starling.social.visibility.VisibilitySql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Read paths over posts, each filtered in SQL by {@link VisibilitySql#canSee} (the twin of
 * {@link dev.starling.social.visibility.Visibility#canSee}); home, public and hashtag timelines
 * also drop authors the viewer muted. All pages are newest first with Mastodon cursors
 * ({@link Page}); items are {@link Post}s, hydrate them with
 * {@link dev.starling.social.posts.Posts#views}. A null viewer is an anonymous visitor.
 */
public final class Timelines {

    private static final Pattern TAG = Pattern.compile("[\\p{L}\\p{M}\\p{N}_]{1,100}");
    /** Depth and size limits of thread context. */
    public static final int MAX_CONTEXT_DEPTH = 256;
    public static final int MAX_DESCENDANTS = 4096;

    private final Database db;
    private final HomeFeeds homeFeeds;
    /** Posts written by other processes into the feeds' log; null when the feeds are off. */
    private final OutboxPostFeeder outboxFeeder;
    /** The change feed the memory path needs live; null when home reads only SQL (feeds off, or a test). */
    private final ChangeFeed changes;
    /** Home pages decided in memory; null when {@link #changes} is. */
    private final MemoryHome memoryHome;
    private final ViewerCache viewers;
    /** How often home reads poll the outbox for other processes' posts. */
    static final long OUTBOX_POLL_INTERVAL_MILLIS = 1_000;

    /** With in-process home feeds ({@link HomeFeeds}) on their default bounds, and caches of its own on the change feed. */
    public Timelines(Database db) {
        this(db, PostCache.subscribed(db, PostCache.DEFAULT_MAX_POSTS));
    }

    /**
     * With in-process home feeds on their default bounds, deciding home pages in memory while
     * {@code db}'s change feed is live, from {@code posts} (share it with the hydration of statuses;
     * it must be subscribed to {@code db.changes()}) and a {@link ViewerCache} of its own.
     */
    public Timelines(Database db, PostCache posts) {
        this(db, HomeFeeds.Settings.defaults(), OUTBOX_POLL_INTERVAL_MILLIS, posts, null);
    }

    /**
     * As {@link #Timelines(Database, PostCache)} with a shared {@code viewers} cache (e.g. also deciding
     * quotes in the hydration of pages); both caches must be subscribed to {@code db.changes()}
     * ({@link PostCache#subscribed}, {@link ViewerCache#subscribed}).
     */
    public Timelines(Database db, PostCache posts, ViewerCache viewers) {
        this(db, HomeFeeds.Settings.defaults(), OUTBOX_POLL_INTERVAL_MILLIS, posts, viewers);
    }

    Timelines(Database db, HomeFeeds.Settings homeFeedSettings) {
        this(db, homeFeedSettings, OUTBOX_POLL_INTERVAL_MILLIS);
    }

    Timelines(Database db, HomeFeeds.Settings homeFeedSettings, long outboxPollIntervalMillis) {
        this(db, homeFeedSettings, outboxPollIntervalMillis, homeFeedSettings.enabled() ? PostCache.subscribed(db, PostCache.DEFAULT_MAX_POSTS) : null);
    }

    /** {@code posts} null: home is read with SQL only (over the feeds when they are on), the change feed is not used. */
    Timelines(Database db, HomeFeeds.Settings homeFeedSettings, long outboxPollIntervalMillis, PostCache posts) {
        this(db, homeFeedSettings, outboxPollIntervalMillis, posts, null);
    }

    /** {@code viewers} null: a viewer cache of its own. */
    private Timelines(Database db, HomeFeeds.Settings homeFeedSettings, long outboxPollIntervalMillis, PostCache posts, ViewerCache viewers) {
        this.db = db;
        this.homeFeeds = new HomeFeeds(homeFeedSettings);
        this.outboxFeeder = homeFeedSettings.enabled() ? new OutboxPostFeeder(new Outbox(db), outboxPollIntervalMillis) : null;
        if (homeFeedSettings.enabled() && posts != null) {
            this.changes = db.changes();
            this.viewers = viewers != null ? viewers : ViewerCache.subscribed(db, ViewerCache.DEFAULT_MAX_IDS);
            this.memoryHome = new MemoryHome(db, homeFeeds, this.viewers, posts);
            changes.subscribe(this::onChange);
        } else {
            this.changes = null;
            this.viewers = null;
            this.memoryHome = null;
        }
    }

    /**
     * The home feeds' part of the change feed: a follow change drops the follower's feed (its sources
     * are stale), a post inserted by any writer (another process too) goes into the feeds' log, a reset
     * drops every feed.
     */
    private void onChange(Change change) {
        switch (change.kind()) {
            case FOLLOW -> homeFeeds.followChanged(change.first());
            case POST_CREATED -> RecentPosts.append(change.second(), change.first());
            case RESET -> homeFeeds.reset();
            default -> {
            }
        }
    }

    /** The feeder of other processes' posts (tests). */
    OutboxPostFeeder outboxFeeder() {
        return outboxFeeder;
    }

    /**
     * Home: posts and reposts by the accounts {@code viewerId} follows, plus its own, newest first.
     * Candidates come from index range scans per followed author ({@code posts_author_id}), bounded
     * below by the authors' newest posts ({@link #homeSql}). Newest-first pages start from the viewer's
     * in-process feed of candidate ids ({@link HomeFeeds}). While the database's change feed is live
     * and this process's writes have been delivered to it, the verdict is made in memory
     * ({@link MemoryHome}: the home rule, {@link dev.starling.social.visibility.Visibility#canSee} and
     * mutes over {@link PostCache} and {@link ViewerCache}), with no database round trip once cached;
     * otherwise the same rule is applied in SQL in one round trip per batch ({@link FilteredScan}).
     * Below a feed's floor and for min_id pages the database answers.
     */
    public Slice<Post> home(long viewerId, Page page) {
        boolean live = changes != null && changes.live();
        if (outboxFeeder != null && !live) {
            // While the change feed is live, every writer's posts reach the feeds' log as POST_CREATED changes.
            outboxFeeder.beforeRead();
        }
        FilteredScan.Candidates database = homeCandidates(viewerId, false);
        if (live && !page.ascending() && changes.awaitLocalWrites()) {
            Slice<Post> fromMemory = memoryHome.home(viewerId, page, database);
            if (fromMemory != null && changes.live()) {
                return fromMemory;
            }
        }
        return db.read(c -> {
            Slice<Post> fromFeed = homeFeeds.home(c, viewerId, page, database);
            return fromFeed != null ? fromFeed : FilteredScan.run(c, viewerId, page, true, database);
        });
    }

    /** The home timeline read from the database only, without the in-process feeds: what tests hold {@link #home} to. */
    Slice<Post> homeUncached(long viewerId, Page page) {
        return db.read(c -> FilteredScan.run(c, viewerId, page, true, homeCandidates(viewerId, false)));
    }

    /** Home feed counters: reads answered from feeds, feeds built, feeds dropped for a new follow, reads that went below a feed's floor. */
    public String homeFeedStats() {
        HomeFeeds.Stats s = homeFeeds.stats();
        String memory = "";
        if (memoryHome != null) {
            MemoryHome.Stats m = memoryHome.stats();
            ViewerCache.Stats v = viewers.stats();
            memory = " memory_pages=" + m.pages() + " memory_fallbacks=" + m.fallbacks() + " memory_database_tails=" + m.databaseTails()
                    + " viewer_hits=" + v.hits() + " viewer_loads=" + v.loads() + " viewer_refused=" + v.refused();
        }
        return "home feeds: reads=" + s.reads() + " builds=" + s.builds() + " epoch_misses=" + s.epochMisses() + " database_tails=" + s.databaseTails()
                + " from_outbox=" + (outboxFeeder == null ? 0 : outboxFeeder.appended()) + memory;
    }

    /** The home feeds (tests). */
    HomeFeeds homeFeeds() {
        return homeFeeds;
    }

    /** Counters of the feeds read with the SQL verdict (tests). */
    HomeFeeds.Stats feedStats() {
        return homeFeeds.stats();
    }

    /** Counters of the pages decided in memory (tests); zeros when home reads SQL only. */
    MemoryHome.Stats memoryStats() {
        return memoryHome == null ? new MemoryHome.Stats(0, 0, 0) : memoryHome.stats();
    }

    /**
     * The home timeline by the plain candidate query ({@link #homeSqlReference}): the reference that
     * tests hold {@link #home} to.
     */
    Slice<Post> homeReference(long viewerId, Page page) {
        return db.read(c -> FilteredScan.run(c, viewerId, page, true, homeCandidates(viewerId, true)));
    }

    private static FilteredScan.Candidates homeCandidates(long viewerId, boolean reference) {
        return new FilteredScan.Candidates() {
            @Override
            public String sql(Page window) {
                return reference ? homeSqlReference(window) : homeSql(window);
            }

            @Override
            public int bind(PreparedStatement ps) throws SQLException {
                ps.setLong(1, viewerId);
                return 2;
            }

            @Override
            public int bindAll(PreparedStatement ps, Page window) throws SQLException {
                if (reference || window.ascending()) {
                    return Paging.bind(ps, bind(ps), window);
                }
                ps.setLong(1, viewerId);
                ps.setLong(2, viewerId);
                return Paging.bind(ps, Paging.bind(ps, 3, window), window);
            }
        };
    }

    /**
     * The home timeline's candidate query (parameters: the viewer id twice, then the page's cursors
     * twice; for a min_id page that of {@link #homeSqlReference}); public for EXPLAIN in benchmarks.
     *
     * <p>Newest-first pages do not read {@code limit} posts of every followed author: each author's
     * newest post ("head", one index probe each) is read first; the {@code limit}-th newest head is
     * a lower bound {@code lo}, since at least {@code limit} posts (those heads, of distinct
     * authors) are at or above it, so the page's {@code limit} newest candidates are too. Then only
     * posts at or above {@code lo} are read per author: a few dozen rows instead of
     * {@code limit} x authors. With fewer than {@code limit} heads there is no bound.
     */
    public static String homeSql(Page page) {
        if (page.ascending()) {
            return homeSqlReference(page);
        }
        String cursors = Paging.conditions("p.id", page);
        int n = page.limit();
        return "WITH src AS (SELECT f.followee_id AS aid FROM follows f WHERE f.follower_id = ?::bigint UNION SELECT ?::bigint),"
                + " heads AS (SELECT h.id FROM src CROSS JOIN LATERAL (SELECT p.id FROM posts p WHERE p.author_id = src.aid" + cursors
                + " ORDER BY p.id DESC LIMIT 1) h),"
                + " bound AS (SELECT coalesce((SELECT id FROM heads ORDER BY id DESC OFFSET " + (n - 1) + " LIMIT 1), " + Long.MIN_VALUE + ") AS lo)"
                + " SELECT x.id FROM src CROSS JOIN bound CROSS JOIN LATERAL (SELECT p.id FROM posts p WHERE p.author_id = src.aid"
                + " AND p.id >= bound.lo" + cursors + " ORDER BY p.id DESC LIMIT " + n + ") x ORDER BY x.id DESC LIMIT " + n;
    }

    /** The plain home candidate query (parameters: viewer id, then the page cursors): up to {@code limit} posts of every author, merged. */
    public static String homeSqlReference(Page page) {
        String inner = "SELECT p.id FROM posts p WHERE p.author_id = src.aid" + Paging.conditions("p.id", page) + Paging.orderAndLimit("p.id", page);
        return "SELECT x.id FROM (SELECT ?::bigint AS vid) v"
                + " CROSS JOIN LATERAL (SELECT f.followee_id AS aid FROM follows f WHERE f.follower_id = v.vid UNION ALL SELECT v.vid) src"
                + " CROSS JOIN LATERAL (" + inner + ") x" + Paging.orderAndLimit("x.id", page);
    }

    /** Public (local) timeline: public posts, no reposts, no replies to others, minus mutes. */
    public Slice<Post> publicTimeline(Long viewerId, Page page) {
        return db.withConnection(c -> FilteredScan.run(c, viewerId, page, true, new FilteredScan.Candidates() {
            @Override
            public String sql(Page window) {
                return "SELECT p.id FROM posts p WHERE p.visibility = 0 AND p.reblog_of_id IS NULL"
                        + " AND (p.in_reply_to_id IS NULL OR p.in_reply_to_account_id = p.author_id)"
                        + Paging.conditions("p.id", window) + Paging.orderAndLimit("p.id", window);
            }

            @Override
            public int bind(PreparedStatement ps) {
                return 1;
            }
        }));
    }

    /** An account's posts and reposts that the viewer may see. */
    public Slice<Post> account(Long viewerId, long accountId, AccountFilter filter, Page page) {
        if (filter.onlyMedia()) {
            return Slice.empty();
        }
        String tag = filter.tagged() == null ? null : normaliseTag(filter.tagged());
        if (filter.tagged() != null && tag == null) {
            return Slice.empty();
        }
        if (viewerId != null && viewerId != accountId && db.withConnection(c -> blockedEitherWay(c, viewerId, accountId))) {
            return Slice.empty(); // nothing of theirs is visible: do not scan their posts
        }
        StringBuilder where = new StringBuilder(" WHERE p.author_id = ?");
        if (filter.excludeReplies()) {
            where.append(" AND (p.in_reply_to_id IS NULL OR p.in_reply_to_account_id = p.author_id)");
        }
        if (filter.excludeReblogs()) {
            where.append(" AND p.reblog_of_id IS NULL");
        }
        if (tag != null) {
            where.append(" AND EXISTS (SELECT 1 FROM post_tags t WHERE t.post_id = p.id AND t.tag = ?)");
        }
        return db.withConnection(c -> FilteredScan.run(c, viewerId, page, false, new FilteredScan.Candidates() {
            @Override
            public String sql(Page window) {
                return "SELECT p.id FROM posts p" + where + Paging.conditions("p.id", window) + Paging.orderAndLimit("p.id", window);
            }

            @Override
            public int bind(PreparedStatement ps) throws SQLException {
                ps.setLong(1, accountId);
                if (tag != null) {
                    ps.setString(2, tag);
                    return 3;
                }
                return 2;
            }
        }));
    }

    /** Public posts with a hashtag (case-insensitive, with or without '#'), minus mutes. */
    public Slice<Post> hashtag(Long viewerId, String hashtag, Page page) {
        String tag = normaliseTag(hashtag);
        if (tag == null) {
            return Slice.empty();
        }
        return db.withConnection(c -> FilteredScan.run(c, viewerId, page, true, new FilteredScan.Candidates() {
            @Override
            public String sql(Page window) {
                return "SELECT t.post_id FROM post_tags t JOIN posts p ON p.id = t.post_id WHERE t.tag = ? AND p.visibility = 0"
                        + Paging.conditions("t.post_id", window) + Paging.orderAndLimit("t.post_id", window);
            }

            @Override
            public int bind(PreparedStatement ps) throws SQLException {
                ps.setString(1, tag);
                return 2;
            }
        }));
    }

    /**
     * Thread context of a post the viewer may see (for a repost: of its original); empty when the
     * post is not visible. The reply tree is walked through invisible posts, but only visible posts
     * are returned (depth at most {@value #MAX_CONTEXT_DEPTH}, at most {@value #MAX_DESCENDANTS} descendants).
     */
    public Optional<Context> context(Long viewerId, long postId) {
        return db.withConnection(c -> {
            Optional<Post> p = PostWriter.visibleOriginal(c, viewerId, postId);
            if (p.isEmpty()) {
                return Optional.<Context>empty();
            }
            long id = p.get().id();
            String ancestors = "WITH RECURSIVE up(id, depth) AS ("
                    + " SELECT in_reply_to_id, 1 FROM posts WHERE id = ? AND in_reply_to_id IS NOT NULL"
                    + " UNION ALL SELECT q.in_reply_to_id, up.depth + 1 FROM up JOIN posts q ON q.id = up.id"
                    + " WHERE q.in_reply_to_id IS NOT NULL AND up.depth < " + MAX_CONTEXT_DEPTH + ")"
                    + " SELECT p.id FROM " + VisibilitySql.VIEWER + ", up JOIN posts p ON p.id = up.id"
                    + " LEFT JOIN posts o ON o.id = p.reblog_of_id WHERE " + VisibilitySql.canSee("p", "o") + " ORDER BY p.id";
            String descendants = "WITH RECURSIVE down(id, depth) AS ("
                    + " SELECT id, 1 FROM posts WHERE in_reply_to_id = ?"
                    + " UNION ALL SELECT q.id, down.depth + 1 FROM down JOIN posts q ON q.in_reply_to_id = down.id"
                    + " WHERE down.depth < " + MAX_CONTEXT_DEPTH + ")"
                    + " SELECT p.id FROM " + VisibilitySql.VIEWER + ", (SELECT DISTINCT id FROM down LIMIT " + MAX_DESCENDANTS + ") d"
                    + " JOIN posts p ON p.id = d.id LEFT JOIN posts o ON o.id = p.reblog_of_id WHERE "
                    + VisibilitySql.canSee("p", "o") + " ORDER BY p.id";
            List<Post> up = idsThenPosts(c, ancestors, id, viewerId);
            List<Post> down = idsThenPosts(c, descendants, id, viewerId);
            return Optional.of(new Context(up, down));
        });
    }

    /** Posts the viewer favourited and may still see, newest favourite first; cursors are favourite ids. */
    public Slice<Post> favourites(long viewerId, Page page) {
        return marked("favourites", viewerId, page);
    }

    /** Posts the viewer bookmarked and may still see; cursors are bookmark ids. */
    public Slice<Post> bookmarks(long viewerId, Page page) {
        return marked("bookmarks", viewerId, page);
    }

    private Slice<Post> marked(String table, long viewerId, Page page) {
        String sql = "SELECT m.id AS cursor_id, p.id FROM " + VisibilitySql.VIEWER + ", " + table + " m JOIN posts p ON p.id = m.post_id"
                + " LEFT JOIN posts o ON o.id = p.reblog_of_id WHERE m.account_id = v.vid" + Paging.conditions("m.id", page)
                + " AND " + VisibilitySql.canSee("p", "o") + Paging.orderAndLimit("m.id", page);
        return db.withConnection(c -> {
            List<long[]> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, viewerId);
                Paging.bind(ps, 2, page);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new long[] {rs.getLong(1), rs.getLong(2)});
                    }
                }
            }
            Slice<long[]> s = Paging.slice(rows, r -> r[0], page);
            Map<Long, Post> posts = PostRows.loadMany(c, s.items().stream().map(r -> r[1]).toList());
            List<Post> items = new ArrayList<>();
            for (long[] r : s.items()) {
                Post p = posts.get(r[1]);
                if (p != null) {
                    items.add(p);
                }
            }
            return new Slice<>(items, s.nextMaxId(), s.prevMinId());
        });
    }

    private static boolean blockedEitherWay(Connection c, long a, long b) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM blocks WHERE (account_id = ? AND target_id = ?) OR (account_id = ? AND target_id = ?)")) {
            ps.setLong(1, a);
            ps.setLong(2, b);
            ps.setLong(3, b);
            ps.setLong(4, a);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Lower-cased tag without '#', or null when it is not a valid hashtag. */
    public static String normaliseTag(String tag) {
        if (tag == null) {
            return null;
        }
        String t = tag.startsWith("#") ? tag.substring(1) : tag;
        return TAG.matcher(t).matches() ? t.toLowerCase(Locale.ROOT) : null;
    }

    private static List<Post> idsThenPosts(Connection c, String sql, long id, Long viewerId) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            ps.setLong(2, VisibilitySql.viewerParam(viewerId));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        Map<Long, Post> posts = PostRows.loadMany(c, ids);
        List<Post> out = new ArrayList<>();
        for (Long i : ids) {
            Post p = posts.get(i);
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }
}
