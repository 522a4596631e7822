package dev.starling.server;

import dev.starling.server.ratelimit.RateLimits;

/**
 * How the server runs.
 *
 * @param host           interface to bind (127.0.0.1 by default; 0.0.0.0 for every interface)
 * @param port           TCP port, 0 for any free one
 * @param publicBaseUrl  the URL clients use (e.g. https://starling.example), for links in JSON and
 *                       Link headers; null to derive it from each request's Host header
 * @param maxPostChars   twitter-text weighted length limit of a post
 * @param maxBodyBytes   largest accepted request body
 * @param rateLimits     request budgets (Mastodon's defaults, or raised for tests and benchmarks)
 * @param title          the instance title
 */
public record ServerOptions(String host, int port, String publicBaseUrl, int maxPostChars, long maxBodyBytes,
                            RateLimits rateLimits, String title) {
    public static final long DEFAULT_MAX_BODY_BYTES = 1 << 20;

    public ServerOptions {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, got " + port);
        if (maxPostChars < 1 || maxPostChars > 100_000) throw new IllegalArgumentException("maxPostChars must be 1..100000, got " + maxPostChars);
        if (maxBodyBytes < 1024) throw new IllegalArgumentException("maxBodyBytes must be >= 1024, got " + maxBodyBytes);
        if (publicBaseUrl != null && publicBaseUrl.endsWith("/")) publicBaseUrl = publicBaseUrl.substring(0, publicBaseUrl.length() - 1);
    }

    public static ServerOptions defaults() {
        return new ServerOptions("127.0.0.1", 8080, null, 280, DEFAULT_MAX_BODY_BYTES, RateLimits.mastodonDefaults(), "Starling");
    }

    public ServerOptions withPort(int p) {
        return new ServerOptions(host, p, publicBaseUrl, maxPostChars, maxBodyBytes, rateLimits, title);
    }

    public ServerOptions withHost(String h) {
        return new ServerOptions(h, port, publicBaseUrl, maxPostChars, maxBodyBytes, rateLimits, title);
    }

    public ServerOptions withRateLimits(RateLimits r) {
        return new ServerOptions(host, port, publicBaseUrl, maxPostChars, maxBodyBytes, r, title);
    }

    public ServerOptions withMaxPostChars(int n) {
        return new ServerOptions(host, port, publicBaseUrl, n, maxBodyBytes, rateLimits, title);
    }

    public ServerOptions withPublicBaseUrl(String url) {
        return new ServerOptions(host, port, url, maxPostChars, maxBodyBytes, rateLimits, title);
    }
}
