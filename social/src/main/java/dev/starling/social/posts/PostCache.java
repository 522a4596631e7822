package dev.starling.social.posts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.starling.social.changes.Change;
import dev.starling.social.changes.ChangeListener;
import dev.starling.social.db.Database;
import dev.starling.social.changes.KeyVersions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * Posts by id in memory ({@link Post}, with its entities and mentions as {@link PostRows#loadMany}
 * reads them), kept current by the change feed: POST_CHANGED drops a post, POST_DELETED marks it
 * deleted (so that ids still held by home feeds cost no round trip), POST_CREATED clears such a mark,
 * RESET drops everything. Misses are read in one query. Absence is never cached: a post id may be
 * known (a home feed's log) before its transaction commits. A load that a change of the same post
 * overtook is returned but not installed ({@link KeyVersions}).
 *
 * <p>Answers from memory only while the change feed is live ({@code live}); otherwise every call reads
 * the database and installs nothing. Bounded ({@code maxPosts}, least recently used out).
 */
public final class PostCache implements ChangeListener {

    /** Counters: posts answered from memory, loaded and installed, loads refused (overtaken by a change), ids not found, reads while not live. */
    public record Stats(long hits, long loads, long refused, long absent, long notLive) {
    }

    /** Posts held at most by default (about 0.5 KB each with text and entities). */
    public static final long DEFAULT_MAX_POSTS = 100_000;

    /** The mark of a deleted post (compared by identity). */
    private static final Post DELETED = new Post(Long.MIN_VALUE, 0, "", PostVisibility.DIRECT, null, null, null, null, null, null, false, "",
            Entities.NONE, Instant.EPOCH, null);

    private final Database db;
    private final BooleanSupplier live;
    private final Cache<Long, Post> posts;
    private final KeyVersions versions = new KeyVersions(14);
    private final LongAdder hits = new LongAdder();
    private final LongAdder loads = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder absent = new LongAdder();
    private final LongAdder notLive = new LongAdder();
    /** Run between a load and its install (tests make a change there, deterministically racing the load); null in production. */
    volatile Runnable betweenLoadAndInstall;

    /**
     * @param live whether the change feed delivers every change now (the cache answers only then)
     * @param maxPosts bound on the posts (and deletion marks) held, 1..10^8
     */
    public PostCache(Database db, BooleanSupplier live, long maxPosts) {
        if (maxPosts < 1 || maxPosts > 100_000_000L) {
            throw new IllegalArgumentException("post cache bound must be 1..100000000 posts, was " + maxPosts);
        }
        this.db = db;
        this.live = live;
        this.posts = Caffeine.newBuilder().maximumSize(maxPosts).build();
    }

    /** A cache on {@code db}'s change feed ({@link Database#changes}), subscribed to it, answering while it is live. */
    public static PostCache subscribed(Database db, long maxPosts) {
        PostCache cache = new PostCache(db, db.changes()::live, maxPosts);
        db.changes().subscribe(cache);
        return cache;
    }

    /** Applies a change from the feed (its thread; no database access). */
    @Override
    public void onChange(Change change) {
        switch (change.kind()) {
            case POST_CREATED -> created(change.first());
            case POST_CHANGED -> changed(change.first());
            case POST_DELETED -> deleted(change.first());
            case RESET -> reset();
            default -> {
            }
        }
    }

    /**
     * The posts of {@code ids} that exist (committed, not deleted), by id, without any visibility check;
     * from memory while the feed is live, the misses (or, when not live, all) in one query.
     */
    public Map<Long, Post> posts(Collection<Long> ids) {
        Map<Long, Post> out = HashMap.newHashMap(ids.size());
        if (ids.isEmpty()) {
            return out;
        }
        if (!live.getAsBoolean()) {
            notLive.increment();
            Map<Long, Post> loaded = db.read(c -> PostRows.loadMany(c, ids));
            absent.add(ids.size() - loaded.size());
            return loaded;
        }
        List<Long> missing = null;
        long[] stamps = null;
        for (Long id : ids) {
            Post p = posts.getIfPresent(id);
            if (p == DELETED) {
                continue;
            }
            if (p != null) {
                out.put(id, p);
                hits.increment();
                continue;
            }
            if (missing == null) {
                missing = new ArrayList<>();
                stamps = new long[ids.size()];
            }
            stamps[missing.size()] = versions.stamp(id);
            missing.add(id);
        }
        if (missing == null) {
            return out;
        }
        List<Long> toLoad = missing;
        Map<Long, Post> loaded = db.read(c -> PostRows.loadMany(c, toLoad));
        Runnable hook = betweenLoadAndInstall;
        if (hook != null) {
            hook.run();
        }
        for (int i = 0; i < missing.size(); i++) {
            long id = missing.get(i);
            Post p = loaded.get(id);
            if (p == null) {
                absent.increment();
                continue;
            }
            long stamp = stamps[i];
            boolean[] installed = {false};
            posts.asMap().compute(id, (k, old) -> {
                if (versions.unchanged(id, stamp)) {
                    installed[0] = true;
                    return p;
                }
                return old;
            });
            (installed[0] ? loads : refused).increment();
            out.put(id, p);
        }
        return out;
    }

    /** The post if held in memory now (no load; null when missing, deleted or not live). */
    public Post cached(long id) {
        if (!live.getAsBoolean()) {
            return null;
        }
        Post p = posts.getIfPresent(id);
        return p == DELETED ? null : p;
    }

    /** A post was inserted: clears a deletion mark of its id (ids are not reused, but imports may write them again). */
    public void created(long id) {
        versions.bump(id);
        posts.invalidate(id);
    }

    /**
     * A post's row or its mentions changed. A deletion mark stays: deleting a post deletes its mention rows
     * too, which announce the post as changed after its deletion (only a POST_CREATED brings an id back).
     */
    public void changed(long id) {
        versions.bump(id);
        posts.asMap().computeIfPresent(id, (k, p) -> p == DELETED ? p : null);
    }

    /** A post was deleted. */
    public void deleted(long id) {
        versions.bump(id);
        posts.put(id, DELETED);
    }

    /** Everything may have changed: drop all posts and marks and refuse the loads in flight. */
    public void reset() {
        versions.bumpAll();
        posts.invalidateAll();
    }

    public Stats stats() {
        return new Stats(hits.sum(), loads.sum(), refused.sum(), absent.sum(), notLive.sum());
    }
}
