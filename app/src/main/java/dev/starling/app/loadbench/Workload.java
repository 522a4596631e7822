package dev.starling.app.loadbench;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** What each request of a run does. */
public enum Workload {
    /** GET /api/v1/timelines/home?limit=20 as a random seeded account. */
    HOME,
    /** POST /api/v1/statuses (a new public post) as a random seeded account. */
    WRITE;

    /**
     * The whole HTTP/1.1 request of one iteration, as bytes for {@link HttpConnection}: {@code base} has no trailing
     * slash (its path, if any, prefixes the route), {@code host} is the Host header's value.
     */
    byte[] request(URI base, String host, BenchToken token, SplittableRandom random) {
        String prefix = base.getRawPath() == null ? "" : base.getRawPath();
        StringBuilder sb = new StringBuilder(256);
        String body = null;
        switch (this) {
            case HOME -> sb.append("GET ").append(prefix).append("/api/v1/timelines/home?limit=20 HTTP/1.1\r\n");
            case WRITE -> {
                body = "visibility=public&status=" + URLEncoder.encode(PostTexts.text(random), StandardCharsets.UTF_8);
                sb.append("POST ").append(prefix).append("/api/v1/statuses HTTP/1.1\r\n")
                        .append("Content-Type: application/x-www-form-urlencoded\r\n")
                        .append("Content-Length: ").append(body.length()).append("\r\n"); // URL-encoded: ASCII, one byte a char
            }
        }
        sb.append("Host: ").append(host).append("\r\n")
                .append("Authorization: Bearer ").append(token.token()).append("\r\n")
                .append("Accept: application/json\r\n")
                .append("User-Agent: starling-loadbench\r\n\r\n");
        if (body != null) {
            sb.append(body);
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** True when {@link #request} depends only on the token (not on the random source), so it can be built once per token. */
    boolean samePerToken() {
        return this == HOME;
    }

    /** What a report calls it. */
    public String label() {
        return switch (this) {
            case HOME -> "GET /api/v1/timelines/home?limit=20";
            case WRITE -> "POST /api/v1/statuses";
        };
    }
}
