package dev.starling.social.timelines;

import dev.starling.social.common.Page;
import dev.starling.social.common.Paging;
import dev.starling.social.common.Slice;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostRows;
import dev.starling.social.posts.RecentPosts;
import dev.starling.social.changes.KeyVersions;
import dev.starling.social.visibility.VisibilitySql;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * In-process home feeds, what Mastodon keeps in Redis: per account, the ids of the newest home
 * candidates (posts and reposts by followed accounts and its own), built lazily from the bounded
 * candidate query ({@link Timelines#homeSql}) and then kept current by fan-out from the log of
 * posts written in this process ({@link RecentPosts}). Bounded: at most {@link Settings#maxFeeds}
 * feeds (least recently read go first) of at most {@link Settings#feedCapacity} ids.
 *
 * <p>The feed only holds candidate ids, never a verdict: every read applies, in SQL and in one round
 * trip per batch (or in memory, {@link MemoryHome}), the home rule itself (the author is the viewer or followed by it now), the
 * visibility rule ({@link VisibilitySql#canSee}) and mutes, over the current rows. So deletions,
 * edits, visibility changes, blocks, mutes and unfollows need no invalidation. What can make a feed
 * miss a candidate is handled so:
 * <ul>
 *   <li>a new follow (direct, or a locked account accepting a request): every insert into
 *       {@code follows} bumps the follower's epoch (trigger of migration V5); the read checks it in
 *       the same round trip and drops the feed when it moved;</li>
 *   <li>a post by a followed account: appended to {@link RecentPosts} by {@code PostWriter} before
 *       its transaction commits, and absorbed by the feed on its next read; a feed that fell more
 *       than the log's capacity behind is rebuilt;</li>
 *   <li>posts older than the feed's floor: read from the database, as without the feed.</li>
 * </ul>
 * Posts inserted by another process into the same database (an import run against an external
 * PostgreSQL, a second server, psql) reach the log as the change feed's POST_CREATED changes as soon
 * as they are delivered ({@link Timelines}); while the change feed is not live, through the outbox's
 * {@code post.created} events ({@link OutboxPostFeeder}, polled by home reads at most once a second),
 * so a feed shows them about a second after they commit.
 *
 * <p>With the change feed live, reads decide pages in memory ({@link MemoryHome}) and skip the epoch
 * round trip: a FOLLOW change drops the follower's feed ({@link #followChanged}), and a feed whose
 * build such a change (or a RESET) overtook is not installed ({@link #buildAndInstall}).
 *
 * <p>Known limit while the change feed is not live, bounded by rebuilding every feed after
 * {@link Settings#maxAgeMillis}: a post whose transaction was open for more than
 * {@link #IN_FLIGHT_NANOS} when a feed was built and committed after it could be missed by that feed.
 * While it is live, such a post's POST_CREATED change is appended to the log after the build began, so
 * the feed absorbs it.
 */
final class HomeFeeds {

    /**
     * {@code enabled}: false reads every home page from the database. {@code buildSize}: candidates
     * read when a feed is built (1..{@value Page#MAX_LIMIT}; more come by fan-out).
     */
    record Settings(boolean enabled, int maxFeeds, int feedCapacity, int buildSize, long maxAgeMillis) {
        Settings {
            if (maxFeeds < 1 || feedCapacity < 1 || buildSize < 1 || buildSize > Page.MAX_LIMIT || maxAgeMillis < 1) {
                throw new IllegalArgumentException("home feed settings out of range: " + maxFeeds + " feeds, capacity " + feedCapacity
                        + ", build size " + buildSize + " (1.." + Page.MAX_LIMIT + "), max age " + maxAgeMillis + " ms");
            }
        }

        /** 10,000 feeds of up to 800 ids (at most 64 MB), built from 40 candidates, rebuilt after 10 minutes. */
        static Settings defaults() {
            return new Settings(true, 10_000, 800, Page.MAX_LIMIT, TimeUnit.MINUTES.toMillis(10));
        }

        static Settings disabled() {
            return new Settings(false, 1, 1, 1, 1);
        }
    }

    /** Counters for metrics and benchmarks. */
    record Stats(long reads, long builds, long epochMisses, long databaseTails) {
    }

    /** How long before a build a post's transaction may have started and still be uncommitted. */
    static final long IN_FLIGHT_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** Candidates checked beyond the page in the first look (a page short of hidden posts looks again, further). */
    static final int FIRST_BATCH_SLACK = 2;

    private final Settings settings;
    private final Map<Long, HomeFeed> feeds;
    /** Follow changes per owner and resets, so that a build overtaken by one is not installed. Guarded by {@link #feeds}. */
    private final KeyVersions versions = new KeyVersions(12);
    /** Run between a feed's build and its install (tests make a change there, deterministically racing the build); null in production. */
    volatile Runnable betweenBuildAndInstall;
    private final LongAdder reads = new LongAdder();
    private final LongAdder builds = new LongAdder();
    private final LongAdder epochMisses = new LongAdder();
    private final LongAdder databaseTails = new LongAdder();

    HomeFeeds(Settings settings) {
        this.settings = settings;
        this.feeds = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, HomeFeed> eldest) {
                return size() > settings.maxFeeds();
            }
        };
    }

    boolean enabled() {
        return settings.enabled();
    }

    Stats stats() {
        return new Stats(reads.sum(), builds.sum(), epochMisses.sum(), databaseTails.sum());
    }

    /**
     * The home page from the viewer's feed, or null when the feed cannot answer it (a min_id page, or
     * the follow epoch moved): then the caller reads it from the database. {@code database} reads the
     * part below the feed's floor.
     */
    Slice<Post> home(Connection c, long viewerId, Page page, FilteredScan.Candidates database) throws SQLException {
        if (!settings.enabled() || page.ascending()) {
            return null;
        }
        reads.increment();
        HomeFeed feed = current(c, viewerId);
        long[] window;
        long floor;
        synchronized (feed) {
            window = feed.window(page.maxId(), page.sinceId());
            floor = feed.floor();
        }
        // Most candidates are visible (they are the followees' own posts), so the first look checks just past the
        // page (each candidate costs the visibility rule's index probes); a page short of hidden posts looks further.
        int firstBatch = Math.min(Page.MAX_LIMIT, page.limit() + FIRST_BATCH_SLACK);
        int nextBatch = Math.min(Page.MAX_LIMIT, page.limit() + 10);
        List<Post> kept = new ArrayList<>();
        if (window.length == 0 && followEpoch(c, viewerId) != feed.epoch) {
            // Nothing to check the epoch beside: a new follow may have brought candidates the feed lacks.
            epochMisses.increment();
            drop(feed);
            return null;
        }
        for (int from = 0, batch = firstBatch; from < window.length && kept.size() < page.limit(); from += batch, batch = nextBatch) {
            long[] ids = Arrays.copyOfRange(window, from, Math.min(window.length, from + batch));
            Map<Long, Post> visible = new HashMap<>();
            long epoch = visibleCandidates(c, viewerId, ids, visible);
            if (epoch != feed.epoch) {
                epochMisses.increment();
                drop(feed);
                return null;
            }
            for (long id : ids) {
                Post p = visible.get(id);
                if (p != null && kept.size() < page.limit()) {
                    kept.add(p);
                }
            }
        }
        if (kept.size() < page.limit() && floor != Long.MIN_VALUE && (page.sinceId() == null || page.sinceId() < floor)) {
            // Below the floor: the database, exactly as without a feed.
            databaseTails.increment();
            long maxId = page.maxId() == null ? floor : Math.min(page.maxId(), floor);
            Slice<Post> rest = FilteredScan.run(c, viewerId, new Page(maxId, page.sinceId(), null, page.limit() - kept.size()), true, database);
            kept.addAll(rest.items());
            Long restLast = rest.items().isEmpty() ? null : rest.items().getLast().id();
            if (rest.nextMaxId() != null && !rest.nextMaxId().equals(restLast)) {
                // The scan gave up after a long run of hidden posts: keep its cursor past them.
                return new Slice<>(kept, rest.nextMaxId(), kept.isEmpty() ? null : kept.getFirst().id());
            }
        }
        return Paging.slice(kept, Post::id, page);
    }

    /** The viewer's feed, built when missing, stale or too far behind the log, with the log absorbed. */
    private HomeFeed current(Connection c, long viewerId) throws SQLException {
        HomeFeed feed = cached(viewerId);
        return feed != null ? feed : buildAndInstall(c, viewerId).feed();
    }

    /** The viewer's cached feed with the log absorbed, or null when it is missing, dropped, stale or fell behind the log. */
    HomeFeed cached(long viewerId) {
        HomeFeed feed;
        synchronized (feeds) {
            feed = feeds.get(viewerId);
        }
        long maxAgeNanos = TimeUnit.MILLISECONDS.toNanos(settings.maxAgeMillis());
        if (feed != null && !feed.dead && System.nanoTime() - feed.builtAtNanos < maxAgeNanos && absorb(feed)) {
            return feed;
        }
        return null;
    }

    /** A feed just built, and whether it was installed (it is not when a follow change of its owner or a reset overtook the build). */
    record Built(HomeFeed feed, boolean installed) {
    }

    /**
     * Builds the viewer's feed and installs it unless a FOLLOW change of the viewer (or a RESET) was
     * delivered while it was built ({@link #followChanged}): then its followees may be stale, and only
     * the database path, which checks the follow epoch, may use it.
     */
    Built buildAndInstall(Connection c, long viewerId) throws SQLException {
        long stamp = versions.stamp(viewerId);
        HomeFeed feed = build(c, viewerId);
        Runnable hook = betweenBuildAndInstall;
        if (hook != null) {
            hook.run();
        }
        if (!absorb(feed)) {
            throw new IllegalStateException("a new home feed fell behind the post log at once");
        }
        synchronized (feeds) {
            if (!versions.unchanged(viewerId, stamp)) {
                return new Built(feed, false);
            }
            feeds.put(viewerId, feed);
        }
        return new Built(feed, true);
    }

    /** A follow of {@code follower} was inserted or deleted (change feed): its feed's sources are stale. */
    void followChanged(long follower) {
        synchronized (feeds) {
            versions.bump(follower);
            HomeFeed feed = feeds.remove(follower);
            if (feed != null) {
                feed.dead = true;
            }
        }
    }

    /** Anything may have changed (a RESET of the change feed): drops every feed and refuses the builds in flight. */
    void reset() {
        synchronized (feeds) {
            versions.bumpAll();
            for (HomeFeed feed : feeds.values()) {
                feed.dead = true;
            }
            feeds.clear();
        }
    }

    /** Absorbs the log's new entries into the feed; false when it fell behind the log. */
    private static boolean absorb(HomeFeed feed) {
        synchronized (feed) {
            long p = RecentPosts.forEachSince(feed.position, (author, id) -> {
                if (feed.sources.contains(author)) {
                    feed.add(id);
                }
            });
            if (p < 0) {
                feed.dead = true;
                return false;
            }
            feed.position = p;
            return true;
        }
    }

    /**
     * Reads the epoch, the followees and the newest candidates. The log is absorbed afterwards from
     * the entries of the last {@link #IN_FLIGHT_NANOS} on, since a post appended before this build
     * may commit after the candidate query ran (post transactions are short: the importers commit
     * every 250 posts).
     */
    private HomeFeed build(Connection c, long viewerId) throws SQLException {
        builds.increment();
        long position = RecentPosts.positionSince(System.nanoTime() - IN_FLIGHT_NANOS);
        long epoch;
        Set<Long> followees = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT (SELECT e.epoch FROM home_feed_epochs e WHERE e.account_id = ?),"
                + " array(SELECT f.followee_id FROM follows f WHERE f.follower_id = ?)")) {
            ps.setLong(1, viewerId);
            ps.setLong(2, viewerId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                epoch = rs.getLong(1);
                Array a = rs.getArray(2);
                for (Long id : (Long[]) a.getArray()) {
                    followees.add(id);
                }
                a.free();
            }
        }
        Page first = Page.first(settings.buildSize());
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(Timelines.homeSql(first))) {
            ps.setLong(1, viewerId);
            ps.setLong(2, viewerId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        long[] newestFirst = ids.stream().mapToLong(Long::longValue).toArray();
        return new HomeFeed(viewerId, epoch, followees, newestFirst, ids.size() < first.limit(), settings.feedCapacity(), position);
    }

    private static long followEpoch(Connection c, long viewerId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT e.epoch FROM home_feed_epochs e WHERE e.account_id = ?")) {
            ps.setLong(1, viewerId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        }
    }

    /**
     * One round trip: the viewer's follow epoch, and the rows of those {@code ids} that are home
     * candidates now (own, or by an account the viewer follows) and visible, minus mutes.
     */
    private static long visibleCandidates(Connection c, long viewerId, long[] ids, Map<Long, Post> visible) throws SQLException {
        long epoch = 0;
        try (PreparedStatement ps = c.prepareStatement(VISIBLE_CANDIDATES)) {
            ps.setLong(1, viewerId);
            Long[] boxed = new Long[ids.length];
            for (int i = 0; i < ids.length; i++) {
                boxed[i] = ids[i];
            }
            Array a = c.createArrayOf("bigint", boxed);
            ps.setArray(2, a);
            ps.setLong(3, viewerId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    epoch = rs.getLong("feed_epoch");
                    rs.getLong("id");
                    if (!rs.wasNull()) {
                        Post p = PostRows.map(rs);
                        visible.put(p.id(), p);
                    }
                }
            }
        }
        return epoch;
    }

    private static final String VISIBLE_CANDIDATES = "SELECT c0.cand_id, (SELECT e.epoch FROM home_feed_epochs e WHERE e.account_id = v0.vid) AS feed_epoch, vis.*"
            + " FROM (SELECT ?::bigint AS vid) v0 CROSS JOIN unnest(?::bigint[]) c0(cand_id) LEFT JOIN LATERAL (SELECT " + PostRows.COLUMNS
            + " FROM " + VisibilitySql.VIEWER + ", posts p LEFT JOIN posts o ON o.id = p.reblog_of_id WHERE p.id = c0.cand_id"
            + " AND (p.author_id = v.vid OR EXISTS (SELECT 1 FROM follows hf WHERE hf.follower_id = v.vid AND hf.followee_id = p.author_id))"
            + " AND " + VisibilitySql.canSee("p", "o") + " AND " + VisibilitySql.notMuted("p", "o") + ") vis ON true";

    void drop(HomeFeed feed) {
        feed.dead = true;
        synchronized (feeds) {
            feeds.remove(feed.accountId, feed);
        }
    }
}
