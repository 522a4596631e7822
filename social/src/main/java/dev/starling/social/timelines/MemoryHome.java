package dev.starling.social.timelines;

import dev.starling.social.common.Page;
import dev.starling.social.common.Paging;
import dev.starling.social.common.Slice;
import dev.starling.social.db.Database;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostCache;
import dev.starling.social.posts.PostViews;
import dev.starling.social.visibility.ViewerCache;
import dev.starling.social.visibility.Visibility;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * The home page decided in memory: the viewer's feed of candidate ids ({@link HomeFeeds}), the posts
 * and their originals from {@link PostCache}, the viewer's follows, blocks and mutes from
 * {@link ViewerCache}, and the rule of {@code HomeFeeds.VISIBLE_CANDIDATES} applied in Java: a
 * candidate is kept iff its author is the viewer or an account the viewer follows now,
 * {@link Visibility#canSee} holds, and neither its author nor its original's author is muted. With
 * everything cached a page costs no database round trip; misses are loaded (one query per kind), and
 * the part of a page below the feed's floor is read from the database as without the caches.
 *
 * <p>Used only while the change feed is live and this process's writes have been delivered (the
 * caller checks); a feed whose build a follow change overtook is not used ({@code null}: read SQL).
 */
final class MemoryHome {

    /** Counters: pages decided in memory, pages handed back to the SQL path, pages that read below a feed's floor. */
    record Stats(long pages, long fallbacks, long databaseTails) {
    }

    private final Database db;
    private final HomeFeeds feeds;
    private final ViewerCache viewers;
    private final PostCache posts;
    private final LongAdder pages = new LongAdder();
    private final LongAdder fallbacks = new LongAdder();
    private final LongAdder databaseTails = new LongAdder();

    MemoryHome(Database db, HomeFeeds feeds, ViewerCache viewers, PostCache posts) {
        this.db = db;
        this.feeds = feeds;
        this.viewers = viewers;
        this.posts = posts;
    }

    Stats stats() {
        return new Stats(pages.sum(), fallbacks.sum(), databaseTails.sum());
    }

    /** The newest-first home page, or null when memory cannot answer it (then the caller reads SQL). */
    Slice<Post> home(long viewerId, Page page, FilteredScan.Candidates database) {
        if (page.ascending()) {
            return null;
        }
        HomeFeed feed = feeds.cached(viewerId);
        if (feed == null) {
            HomeFeeds.Built built = db.read(c -> feeds.buildAndInstall(c, viewerId));
            if (!built.installed()) {
                fallbacks.increment();
                return null; // a follow of the viewer changed while it was built
            }
            feed = built.feed();
        }
        ViewerCache.Entry viewer = viewers.get(viewerId);
        long[] window;
        long floor;
        synchronized (feed) {
            window = feed.window(page.maxId(), page.sinceId());
            floor = feed.floor();
        }
        List<Post> kept = new ArrayList<>();
        int firstBatch = Math.min(Page.MAX_LIMIT, page.limit() + HomeFeeds.FIRST_BATCH_SLACK);
        int nextBatch = Page.MAX_LIMIT;
        for (int from = 0, batch = firstBatch; from < window.length && kept.size() < page.limit(); from += batch, batch = nextBatch) {
            long[] ids = Arrays.copyOfRange(window, from, Math.min(window.length, from + batch));
            if (!keep(viewer, ids, page.limit(), kept)) {
                fallbacks.increment();
                return null;
            }
        }
        if (feed.dead) {
            fallbacks.increment();
            return null; // dropped by a follow change or a reset while this page was decided
        }
        if (kept.size() < page.limit() && floor != Long.MIN_VALUE && (page.sinceId() == null || page.sinceId() < floor)) {
            databaseTails.increment();
            long maxId = page.maxId() == null ? floor : Math.min(page.maxId(), floor);
            Page below = new Page(maxId, page.sinceId(), null, page.limit() - kept.size());
            Slice<Post> rest = db.read(c -> FilteredScan.run(c, viewerId, below, true, database));
            kept.addAll(rest.items());
            Long restLast = rest.items().isEmpty() ? null : rest.items().getLast().id();
            if (rest.nextMaxId() != null && !rest.nextMaxId().equals(restLast)) {
                pages.increment();
                return new Slice<>(kept, rest.nextMaxId(), kept.isEmpty() ? null : kept.getFirst().id());
            }
        }
        pages.increment();
        return Paging.slice(kept, Post::id, page);
    }

    /**
     * Adds the candidates of {@code ids} (newest first) that the viewer sees on its home timeline to
     * {@code kept}, up to {@code limit}; false when a post's shape is one the Java rule does not take (a
     * repost of a repost), so that SQL decides.
     */
    private boolean keep(ViewerCache.Entry viewer, long[] ids, int limit, List<Post> kept) {
        List<Long> boxed = new ArrayList<>(ids.length);
        for (long id : ids) {
            boxed.add(id);
        }
        Map<Long, Post> found = posts.posts(boxed);
        Set<Long> originalIds = PostViews.missingOriginals(found.values(), found);
        Map<Long, Post> originals = originalIds.isEmpty() ? Map.of() : posts.posts(originalIds);
        long me = viewer.accountId();
        for (long id : ids) {
            if (kept.size() >= limit) {
                break;
            }
            Post p = found.get(id);
            if (p == null) {
                continue; // deleted, rolled back, or not committed yet
            }
            if (p.authorId() != me && !viewer.follows(p.authorId())) {
                continue; // no longer (or never) a home candidate
            }
            Post original = null;
            if (p.isReblog()) {
                original = found.get(p.reblogOfId());
                if (original == null) {
                    original = originals.get(p.reblogOfId());
                }
                if (original == null) {
                    continue; // SQL: o.id IS NOT NULL
                }
                if (original.isReblog()) {
                    return false;
                }
            }
            if (!Visibility.canSee(viewer, p, original) || viewer.mutes(p.authorId()) || (original != null && viewer.mutes(original.authorId()))) {
                continue;
            }
            kept.add(p);
        }
        return true;
    }
}
