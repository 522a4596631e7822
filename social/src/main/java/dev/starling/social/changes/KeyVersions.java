package dev.starling.social.changes;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Change counters for a cache that loads values from the database while changes are delivered to it,
 * so that a loaded value is installed only when no change for its key arrived while it loaded: a row
 * read before a commit must never stick in the cache after that commit's change was applied.
 *
 * <pre>{@code
 * long stamp = versions.stamp(key);      // before the load
 * V value = load(key);                   // from the database
 * map.compute(key, (k, old) -> versions.unchanged(key, stamp) ? value : old);
 * // and for every change: versions.bump(key); map.remove(key);   (bump first)
 * }</pre>
 *
 * Keys share {@code 2^stripeBits} counters (a change of one key refuses the loads of the keys on its
 * stripe: harmless, they load again next time); {@link #bumpAll} (a RESET of the change feed) refuses
 * every load in flight. Both counters only grow, so a stamp is their sum.
 */
public final class KeyVersions {

    private final AtomicLongArray stripes;
    private final int mask;
    private final AtomicLong all = new AtomicLong();

    /** {@code stripeBits}: 1..20 (2 .. about a million counters). */
    public KeyVersions(int stripeBits) {
        if (stripeBits < 1 || stripeBits > 20) {
            throw new IllegalArgumentException("stripe bits must be 1..20, was " + stripeBits);
        }
        this.stripes = new AtomicLongArray(1 << stripeBits);
        this.mask = (1 << stripeBits) - 1;
    }

    /** The stamp to take before loading {@code key}. */
    public long stamp(long key) {
        return all.get() + stripes.get(stripe(key));
    }

    /** True when no change of {@code key}'s stripe and no reset happened since {@code stamp} was taken. */
    public boolean unchanged(long key, long stamp) {
        return stamp(key) == stamp;
    }

    /** A change of {@code key} was delivered: call before removing the cached value. */
    public void bump(long key) {
        stripes.incrementAndGet(stripe(key));
    }

    /** Everything changed (a RESET): call before clearing the cache. */
    public void bumpAll() {
        all.incrementAndGet();
    }

    private int stripe(long key) {
        long h = key * 0x9E3779B97F4A7C15L; // spread snowflake ids, whose low bits are a sequence
        return (int) (h >>> 40) & mask;
    }
}
