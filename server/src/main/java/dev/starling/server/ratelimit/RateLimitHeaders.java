package dev.starling.server.ratelimit;

import dev.starling.server.http.ApiException;
import dev.starling.server.http.Json;
import io.javalin.http.Context;
import java.util.Map;

/**
 * Applies a limiter decision to a response: the X-RateLimit-* headers always, 429 when refused. The reset time is the
 * end of a fixed window, the same for every caller of that window, so its text is formatted once per window (kept for
 * the last window seen) instead of through a DateTimeFormatter on every request.
 */
public final class RateLimitHeaders {
    /** The last reset instant formatted, and its text: one immutable pair, replaced whole. */
    private record Formatted(long epochMillis, String text) {}

    private static volatile Formatted lastReset = new Formatted(Long.MIN_VALUE, "");

    private RateLimitHeaders() {}

    public static void apply(Context ctx, RateLimiter.Decision d) {
        String limit = Integer.toString(d.limit());
        String reset = reset(d);
        ctx.header("X-RateLimit-Limit", limit);
        ctx.header("X-RateLimit-Remaining", Integer.toString(d.remaining()));
        ctx.header("X-RateLimit-Reset", reset);
        if (!d.allowed()) {
            long retryAfterSeconds = Math.max(1, (d.resetAt().toEpochMilli() - System.currentTimeMillis() + 999) / 1000);
            throw new ApiException(429, "Too many requests", Map.of(),
                    Map.of("X-RateLimit-Limit", limit, "X-RateLimit-Remaining", "0",
                            "X-RateLimit-Reset", reset, "Retry-After", Long.toString(retryAfterSeconds)));
        }
    }

    public static Map<String, String> headers(RateLimiter.Decision d) {
        return Map.of("X-RateLimit-Limit", Integer.toString(d.limit()),
                "X-RateLimit-Remaining", Integer.toString(d.remaining()),
                "X-RateLimit-Reset", reset(d));
    }

    /** {@link Json#timestamp} of the decision's reset instant. */
    static String reset(RateLimiter.Decision d) {
        long millis = d.resetAt().toEpochMilli();
        Formatted f = lastReset;
        if (f.epochMillis() == millis) return f.text();
        String text = Json.timestamp(d.resetAt());
        lastReset = new Formatted(millis, text);
        return text;
    }
}
