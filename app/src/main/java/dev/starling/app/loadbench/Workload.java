package dev.starling.app.loadbench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;

/** What each request of a run does. */
public enum Workload {
    /** GET /api/v1/timelines/home?limit=20 as a random seeded account. */
    HOME,
    /** POST /api/v1/statuses (a new public post) as a random seeded account. */
    WRITE;

    /** The request for one iteration; {@code base} has no trailing slash. */
    HttpRequest request(URI base, BenchToken token, SplittableRandom random, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder().timeout(timeout)
                .header("Authorization", "Bearer " + token.token())
                .header("Accept", "application/json");
        return switch (this) {
            case HOME -> b.uri(base.resolve("/api/v1/timelines/home?limit=20")).GET().build();
            case WRITE -> b.uri(base.resolve("/api/v1/statuses"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("visibility=public&status="
                            + URLEncoder.encode(PostTexts.text(random), StandardCharsets.UTF_8)))
                    .build();
        };
    }

    /** What a report calls it. */
    public String label() {
        return switch (this) {
            case HOME -> "GET /api/v1/timelines/home?limit=20";
            case WRITE -> "POST /api/v1/statuses";
        };
    }
}
