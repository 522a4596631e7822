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

    private final Clock clock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final AtomicLong lastSweepMillis = new AtomicLong();

    public RateLimiter(Clock clock) {
        this.clock = clock;
    }

    public Decision acquire(String bucket, String caller, RateLimits.Budget budget) {
        long now = clock.millis();
        long windowMillis = budget.window().toMillis();
        long start = now - Math.floorMod(now, windowMillis);
        sweep(now);
        String key = bucket + '\u0000' + caller;
        if (windows.size() >= MAX_KEYS && !windows.containsKey(key)) {
            return new Decision(false, budget.requests(), 0, Instant.ofEpochMilli(start + windowMillis));
        }
        Window w = windows.compute(key, (k, old) -> old == null || old.startMillis() != start ? new Window(start, windowMillis, new AtomicLong()) : old);
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
