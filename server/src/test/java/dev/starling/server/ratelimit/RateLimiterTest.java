package dev.starling.server.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        final AtomicLong millis;

        ManualClock(long start) {
            millis = new AtomicLong(start);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        @Override
        public long millis() {
            return millis.get();
        }
    }

    @Test
    void countsPerCallerInFixedWindowsAndResets() {
        ManualClock clock = new ManualClock(Duration.ofMinutes(5).toMillis() * 1000 + 10); // 10 ms into a window
        RateLimiter limiter = new RateLimiter(clock);
        RateLimits.Budget budget = new RateLimits.Budget(3, Duration.ofMinutes(5));
        for (int i = 0; i < 3; i++) {
            RateLimiter.Decision d = limiter.acquire("ip", "1.2.3.4", budget);
            assertTrue(d.allowed());
            assertEquals(2 - i, d.remaining());
            assertEquals(Instant.ofEpochMilli(Duration.ofMinutes(5).toMillis() * 1001), d.resetAt(), "reset at the end of the window");
        }
        assertFalse(limiter.acquire("ip", "1.2.3.4", budget).allowed());
        assertTrue(limiter.acquire("ip", "5.6.7.8", budget).allowed(), "another caller has its own budget");
        assertTrue(limiter.acquire("sign_in", "1.2.3.4", budget).allowed(), "another bucket has its own budget");
        clock.millis.addAndGet(Duration.ofMinutes(5).toMillis());
        RateLimiter.Decision fresh = limiter.acquire("ip", "1.2.3.4", budget);
        assertTrue(fresh.allowed(), "a new window starts afresh");
        assertEquals(2, fresh.remaining());
    }

    @Test
    void forgetsEndedWindows() {
        ManualClock clock = new ManualClock(1_000_000);
        RateLimiter limiter = new RateLimiter(clock);
        RateLimits.Budget budget = new RateLimits.Budget(10, Duration.ofSeconds(10));
        for (int i = 0; i < 100; i++) limiter.acquire("ip", "10.0.0." + i, budget);
        assertEquals(100, limiter.trackedKeys());
        clock.millis.addAndGet(120_000);
        limiter.acquire("ip", "other", budget);
        assertEquals(1, limiter.trackedKeys(), "ended windows are swept");
    }
}
