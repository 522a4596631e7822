package dev.starling.social.timelines;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * One account's cached home feed: candidate post ids (posts and reposts by the accounts it
 * followed when the feed was built, and its own), kept ascending, at most {@code capacity}. The
 * feed is complete above its floor: every candidate with an id at or above {@link #floor} is in it
 * (it may also hold ids that are no longer candidates: deleted posts, unfollowed authors, writes
 * that rolled back; the read drops those in SQL). Below the floor the read asks the database.
 * Guarded by its own monitor.
 */
final class HomeFeed {

    final long accountId;
    /** The owner's follow epoch ({@code home_feed_epochs}) read before the feed was built. */
    final long epoch;
    /** The followees at build time, and the owner: whose posts are fanned out into this feed. */
    final Set<Long> sources;
    final long builtAtNanos;
    private final int capacity;
    private long[] ids; // ascending, [0, size)
    private int size;
    private long floor;
    /** The {@link dev.starling.social.posts.RecentPosts} position absorbed up to. */
    long position;
    /** Set when a read found the epoch moved: the feed must not be used again. */
    volatile boolean dead;

    HomeFeed(long accountId, long epoch, Set<Long> followees, long[] newestFirst, boolean complete, int capacity, long position) {
        this.accountId = accountId;
        this.epoch = epoch;
        this.sources = new HashSet<>(followees);
        this.sources.add(accountId);
        this.builtAtNanos = System.nanoTime();
        this.capacity = capacity;
        this.position = position;
        this.ids = new long[Math.min(capacity, Math.max(16, newestFirst.length * 2))];
        long[] asc = newestFirst.clone();
        Arrays.sort(asc);
        this.floor = complete || asc.length == 0 ? Long.MIN_VALUE : asc[0];
        for (long id : asc) {
            add(id);
        }
    }

    /** Adds a candidate id unless it is below the floor or present; past capacity the oldest goes and the floor rises. */
    void add(long id) {
        if (id < floor) {
            return; // the database covers everything below the floor
        }
        int at = Arrays.binarySearch(ids, 0, size, id);
        if (at >= 0) {
            return;
        }
        at = -at - 1;
        if (size == ids.length && size < capacity) {
            ids = Arrays.copyOf(ids, Math.min(capacity, size * 2));
        }
        if (size == capacity) {
            if (at == 0) {
                floor = ids[0]; // older than everything kept in a full feed: leave it to the database
                return;
            }
            // Drop the oldest: still complete above the new oldest.
            System.arraycopy(ids, 1, ids, 0, at - 1);
            ids[at - 1] = id;
            floor = ids[0];
            return;
        }
        System.arraycopy(ids, at, ids, at + 1, size - at);
        ids[at] = id;
        size++;
    }

    /** Ids strictly below {@code maxId} and above {@code sinceId} (null: unbounded), newest first. */
    long[] window(Long maxId, Long sinceId) {
        int hi = maxId == null ? size : lowerBound(maxId);                // first index >= maxId
        int lo = sinceId == null ? 0 : upperBound(sinceId);               // first index > sinceId
        if (hi <= lo) {
            return new long[0];
        }
        long[] out = new long[hi - lo];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids[hi - 1 - i];
        }
        return out;
    }

    /** Every candidate at or above this id is held; {@link Long#MIN_VALUE} when the feed holds all of them. */
    long floor() {
        return floor;
    }

    int size() {
        return size;
    }

    private int upperBound(long key) {
        int at = Arrays.binarySearch(ids, 0, size, key);
        return at >= 0 ? at + 1 : -at - 1;
    }

    private int lowerBound(long key) {
        int at = Arrays.binarySearch(ids, 0, size, key);
        return at >= 0 ? at : -at - 1;
    }
}
