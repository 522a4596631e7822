package dev.starling.server.ratelimit;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fixed-window counters keyed by (bucket, caller), as Mastodon's rack-attack throttles count: the
 * window starts at a multiple of its length, and the counter resets when the next one starts.
 * Memory is bounded: windows that ended are dropped, and at most {@link #MAX_KEYS} callers are
 * tracked (beyond that, new callers are refused, which fails closed under a key flood).
 */
public final class RateLimiter {
    public static final int MAX_KEYS = 1_000_000;

    /** What the limiter decided for one request. */
    public record Decision(boolean allowed, int limit, int remaining, Instant resetAt) {}

    private record Window(long startMillis, long windowMillis, AtomicLong count) {}

    /** A caller in a bucket (a record, not a concatenated string: nothing is copied per request). */
    private record Key(String bucket, String caller) {}

    private final Clock clock;
    private final ConcurrentHashMap<Key, Window> windows = new ConcurrentHashMap<>();
    private final AtomicLong lastSweepMillis = new AtomicLong();

    public RateLimiter(Clock clock) {
        this.clock = clock;
    }

    public Decision acquire(String bucket, String caller, RateLimits.Budget budget) {
        long now = clock.millis();
        long windowMillis = budget.window().toMillis();
        long start = now - Math.floorMod(now, windowMillis);
        sweep(now);
        Key key = new Key(bucket, caller);
        // The caller's window of this moment is usually there already: counting it takes no lock (compute locks the
        // map's bin, on every request of every caller). Only a new caller or a new window goes through compute.
        Window w = windows.get(key);
        if (w == null || w.startMillis() != start) {
            if (w == null && windows.size() >= MAX_KEYS) {
                return new Decision(false, budget.requests(), 0, Instant.ofEpochMilli(start + windowMillis));
            }
            w = windows.compute(key, (k, old) -> old == null || old.startMillis() != start ? new Window(start, windowMillis, new AtomicLong()) : old);
        }
        long used = w.count().incrementAndGet();
        int remaining = (int) Math.max(0, budget.requests() - used);
        return new Decision(used <= budget.requests(), budget.requests(), remaining, Instant.ofEpochMilli(start + windowMillis));
    }

    private void sweep(long now) {
        long last = lastSweepMillis.get();
        if (now - last < 60_000 || !lastSweepMillis.compareAndSet(last, now)) return;
        windows.values().removeIf(w -> w.startMillis() + w.windowMillis() <= now);
    }

    int trackedKeys() {
        return windows.size();
    }
}
