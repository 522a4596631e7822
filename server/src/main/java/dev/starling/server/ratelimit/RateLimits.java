package dev.starling.server.ratelimit;

import java.time.Duration;

/**
 * Request budgets as Mastodon sets them by default: 300 requests per 5 minutes per token (or per
 * IP when unauthenticated), 25 sign-in attempts per 5 minutes per IP on the password grant and the
 * sign-in form, and 5 sign-ups per 30 minutes per IP. Tests and benchmarks raise them.
 */
public record RateLimits(Budget perToken, Budget perIp, Budget signIn, Budget signUp, boolean enabled) {
    public record Budget(int requests, Duration window) {
        public Budget {
            if (requests < 1) throw new IllegalArgumentException("requests must be >= 1, got " + requests);
            if (window.isNegative() || window.isZero()) throw new IllegalArgumentException("window must be positive, got " + window);
        }
    }

    public static RateLimits mastodonDefaults() {
        return new RateLimits(new Budget(300, Duration.ofMinutes(5)), new Budget(300, Duration.ofMinutes(5)),
                new Budget(25, Duration.ofMinutes(5)), new Budget(5, Duration.ofMinutes(30)), true);
    }

    /** Limits so high that nothing is ever limited (benchmarks); the headers are still sent. */
    public static RateLimits unlimited() {
        Budget huge = new Budget(Integer.MAX_VALUE, Duration.ofMinutes(5));
        return new RateLimits(huge, huge, huge, huge, false);
    }
}
