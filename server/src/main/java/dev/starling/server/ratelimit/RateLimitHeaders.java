package dev.starling.server.ratelimit;

import dev.starling.server.http.ApiException;
import dev.starling.server.http.Json;
import io.javalin.http.Context;
import java.util.Map;

/** Applies a limiter decision to a response: the X-RateLimit-* headers always, 429 when refused. */
public final class RateLimitHeaders {
    private RateLimitHeaders() {}

    public static void apply(Context ctx, RateLimiter.Decision d) {
        Map<String, String> headers = headers(d);
        headers.forEach(ctx::header);
        if (!d.allowed()) {
            long retryAfterSeconds = Math.max(1, (d.resetAt().toEpochMilli() - System.currentTimeMillis() + 999) / 1000);
            throw new ApiException(429, "Too many requests", Map.of(),
                    Map.of("X-RateLimit-Limit", headers.get("X-RateLimit-Limit"), "X-RateLimit-Remaining", "0",
                            "X-RateLimit-Reset", headers.get("X-RateLimit-Reset"), "Retry-After", Long.toString(retryAfterSeconds)));
        }
    }

    public static Map<String, String> headers(RateLimiter.Decision d) {
        return Map.of("X-RateLimit-Limit", Integer.toString(d.limit()),
                "X-RateLimit-Remaining", Integer.toString(d.remaining()),
                "X-RateLimit-Reset", Json.timestamp(d.resetAt()));
    }
}
