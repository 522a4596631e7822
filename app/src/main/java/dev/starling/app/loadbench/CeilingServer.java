package dev.starling.app.loadbench;

import dev.starling.server.StarlingServer;
import dev.starling.server.ServerOptions;
import dev.starling.server.http.JsonBytes;
import dev.starling.server.metrics.Metrics;
import dev.starling.server.oauth.Auth;
import dev.starling.server.oauth.Authenticator;
import dev.starling.server.oauth.OAuthStore;
import dev.starling.server.ratelimit.RateLimiter;
import dev.starling.server.ratelimit.RateLimits;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The home timeline's ceiling on this HTTP stack: a {@link StarlingServer}, started exactly as {@code starling serve}
 * starts it (same Javalin/Jetty configuration, JSON mapper, request metrics, CORS, body limit, and the real
 * {@link Authenticator} resolving the bearer token), whose only route answers {@code GET /api/v1/timelines/home} with
 * fixed bytes: a real home page captured from the seeded network, with its {@code Link} header. No database, no gate,
 * no work per request beyond the HTTP stack and authentication. {@code starling serve} never registers this route;
 * only {@code starling loadbench ceiling} starts it.
 *
 * <p>Tokens: the seeded network's, cached as live up front ({@link OAuthStore#cacheLiveToken}), so that a request
 * costs what a cached token costs in serve. The cache keeps them five minutes; a run must be shorter (a token found
 * expired would need the absent database and is answered 500). For the same reason a token that was not seeded is
 * answered 500, not serve's 401: this server only answers the load generator.
 */
public final class CeilingServer {
    /** Largest page body accepted. */
    public static final int MAX_BODY_BYTES = 8 << 20;
    /** Largest Link header value accepted. */
    public static final int MAX_LINK_CHARS = 4096;

    private CeilingServer() {
    }

    /**
     * Starts the ceiling server on {@code host:port} (0: a free port).
     *
     * @param page   the response body, as served (UTF-8 JSON of a home page)
     * @param link   the {@code Link} header to send with it, or null for none
     * @param tokens tokens accepted as their accounts' (scopes {@link Seeder#SCOPES})
     */
    public static StarlingServer start(String host, int port, byte[] page, String link, List<BenchToken> tokens) {
        return start(host, port, page, link, tokens, RateLimits.unlimited());
    }

    /**
     * Rate limits that count every request and send the {@code X-RateLimit-*} headers, as serve does with its limits on,
     * with budgets too large to ever refuse one: what counting costs per request, beside the ceiling without it.
     */
    public static RateLimits countingRateLimits() {
        RateLimits.Budget huge = new RateLimits.Budget(Integer.MAX_VALUE, java.time.Duration.ofMinutes(5));
        return new RateLimits(huge, huge, huge, huge, true);
    }

    /** As {@link #start(String, int, byte[], String, List)}, with these rate limits. */
    public static StarlingServer start(String host, int port, byte[] page, String link, List<BenchToken> tokens, RateLimits limits) {
        if (page.length == 0 || page.length > MAX_BODY_BYTES) {
            throw new IllegalArgumentException("the page must be 1.." + MAX_BODY_BYTES + " bytes, was " + page.length);
        }
        if (link != null && (link.length() > MAX_LINK_CHARS || link.chars().anyMatch(c -> c < 0x20 || c > 0x7e))) {
            throw new IllegalArgumentException("the Link header must be at most " + MAX_LINK_CHARS + " printable ASCII characters");
        }
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("at least one token is needed");
        }
        OAuthStore store = new OAuthStore(null);
        Instant now = Instant.now();
        long id = 1;
        for (BenchToken t : tokens) {
            store.cacheLiveToken(t.token(), new OAuthStore.AccessToken(id++, 1, t.accountId(), Seeder.SCOPES, now));
        }
        // by default serve --no-rate-limits, as bench-network.sh runs it
        Authenticator authenticator = new Authenticator(store, new RateLimiter(Clock.systemUTC()), limits);
        byte[] body = page.clone();
        return StarlingServer.start(host, port, ServerOptions.defaults().maxBodyBytes(), StarlingServer.defaultMapper(), new Metrics(),
                authenticator, List.of(routes -> routes.get("/api/v1/timelines/home", ctx -> {
                    Auth.user(ctx, "read:statuses");
                    if (link != null) {
                        ctx.header("Link", link);
                    }
                    JsonBytes.send(ctx, body); // as the timeline routes answer
                })));
    }
}
