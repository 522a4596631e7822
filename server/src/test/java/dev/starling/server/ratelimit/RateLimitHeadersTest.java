package dev.starling.server.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.starling.server.http.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The reset header's cached text, and counting without a lock on the window a caller already has. */
class RateLimitHeadersTest {

    @Test
    void resetTextIsJsonTimestampWhicheverWindowCameLast() {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("RateLimitHeadersTest seed " + seed + " (replay with -Dtests.seed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        long[] windows = {1_764_000_000_000L, 1_764_000_300_000L, 1_764_000_600_123L};
        for (int i = 0; i < 1_000; i++) {
            // mostly the same window in a row (the cached case), now and then another
            long millis = windows[random.nextInt(8) == 0 ? random.nextInt(windows.length) : 0] + (random.nextInt(20) == 0 ? random.nextInt(1000) : 0);
            RateLimiter.Decision d = new RateLimiter.Decision(true, 300, 7, Instant.ofEpochMilli(millis));
            assertEquals(Json.timestamp(Instant.ofEpochMilli(millis)), RateLimitHeaders.reset(d), "seed " + seed + " at " + millis);
            assertEquals(Json.timestamp(Instant.ofEpochMilli(millis)), RateLimitHeaders.headers(d).get("X-RateLimit-Reset"));
        }
    }

    @Test
    void concurrentRequestsOfOneCallerAreAllCounted() throws Exception {
        RateLimiterTest.ManualClock clock = new RateLimiterTest.ManualClock(Duration.ofMinutes(5).toMillis() * 1000 + 10);
        RateLimiter limiter = new RateLimiter(clock);
        RateLimits.Budget budget = new RateLimits.Budget(1_000_000, Duration.ofMinutes(5));
        int threads = 4;
        int each = 20_000;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<Integer>> refused = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                refused.add(pool.submit(() -> {
                    int no = 0;
                    for (int i = 0; i < each; i++) if (!limiter.acquire("token", "42", budget).allowed()) no++;
                    return no;
                }));
            }
            for (Future<Integer> f : refused) assertEquals(0, f.get());
        }
        assertEquals(1_000_000 - threads * each - 1, limiter.acquire("token", "42", budget).remaining());
        // the next window starts from zero again, for one thread as for all
        clock.millis.addAndGet(Duration.ofMinutes(5).toMillis());
        assertEquals(1_000_000 - 1, limiter.acquire("token", "42", budget).remaining());
    }
}
