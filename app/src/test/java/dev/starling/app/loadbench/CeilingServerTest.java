package dev.starling.app.loadbench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.server.StarlingServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ceiling server on port 0: the fixed page for a seeded token, the real authenticator's 401 without one, and a short run. */
class CeilingServerTest {
    private static final BenchToken TOKEN = new BenchToken(42, "ceiling-token-aaaaaaaaaaaa");
    private static final byte[] PAGE = "[{\"id\":\"1\",\"content\":\"<p>caf\u00e9</p>\"}]".getBytes(StandardCharsets.UTF_8);
    private static final String LINK = "<http://127.0.0.1/api/v1/timelines/home?max_id=1>; rel=\"next\"";

    @Test
    void answersTheCapturedPageToASeededTokenAndRefusesOthers() throws Exception {
        try (StarlingServer server = CeilingServer.start("127.0.0.1", 0, PAGE, LINK, List.of(TOKEN));
             HttpClient client = HttpClient.newHttpClient()) {
            URI home = URI.create("http://127.0.0.1:" + server.port() + "/api/v1/timelines/home?limit=20");
            HttpResponse<byte[]> ok = client.send(HttpRequest.newBuilder(home).header("Authorization", "Bearer " + TOKEN.token()).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, ok.statusCode());
            assertArrayEquals(PAGE, ok.body());
            assertEquals(LINK, ok.headers().firstValue("Link").orElse(null));
            assertTrue(ok.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));

            HttpResponse<String> none = client.send(HttpRequest.newBuilder(home).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, none.statusCode(), none.body());
            HttpResponse<String> other = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/v1/timelines/public"))
                    .header("Authorization", "Bearer " + TOKEN.token()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, other.statusCode(), "the ceiling serves home only");
        }
    }

    @Test
    void withCountingRateLimitsEveryAnswerCarriesTheHeadersAndNoneIsRefused() throws Exception {
        try (StarlingServer server = CeilingServer.start("127.0.0.1", 0, PAGE, LINK, List.of(TOKEN), CeilingServer.countingRateLimits());
             HttpClient client = HttpClient.newHttpClient()) {
            URI home = URI.create("http://127.0.0.1:" + server.port() + "/api/v1/timelines/home");
            long previous = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                HttpResponse<byte[]> ok = client.send(HttpRequest.newBuilder(home).header("Authorization", "Bearer " + TOKEN.token()).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, ok.statusCode());
                assertArrayEquals(PAGE, ok.body());
                assertEquals(Integer.toString(Integer.MAX_VALUE), ok.headers().firstValue("X-RateLimit-Limit").orElse(null));
                long remaining = Long.parseLong(ok.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
                assertTrue(remaining < previous, "counted down: " + remaining + " after " + previous);
                previous = remaining;
                assertTrue(ok.headers().firstValue("X-RateLimit-Reset").orElse("").endsWith("Z"));
            }
        }
        try (StarlingServer server = CeilingServer.start("127.0.0.1", 0, PAGE, LINK, List.of(TOKEN));
             HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> plain = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/v1/timelines/home"))
                    .header("Authorization", "Bearer " + TOKEN.token()).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, plain.statusCode());
            assertTrue(plain.headers().firstValue("X-RateLimit-Limit").isEmpty(), "no limits, no headers (serve --no-rate-limits)");
        }
    }

    @Test
    void theLoadGeneratorsHomeWorkloadRunsAgainstIt() throws Exception {
        try (StarlingServer server = CeilingServer.start("127.0.0.1", 0, PAGE, null, List.of(TOKEN))) {
            LoadGenerator.Config config = new LoadGenerator.Config(URI.create("http://127.0.0.1:" + server.port()), List.of(TOKEN),
                    Workload.HOME, 2, Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofSeconds(5), 1);
            assertNull(LoadGenerator.probe(config));
            LoadResult r = LoadGenerator.run(config);
            assertEquals(0, r.errors(), r.describe());
            assertTrue(r.ok() > 0, r.describe());
        }
    }

    @Test
    void rejectsAnEmptyPageAndAHeaderInjection() {
        assertThrows(IllegalArgumentException.class, () -> CeilingServer.start("127.0.0.1", 0, new byte[0], null, List.of(TOKEN)));
        assertThrows(IllegalArgumentException.class, () -> CeilingServer.start("127.0.0.1", 0, PAGE, "a\r\nX-Evil: 1", List.of(TOKEN)));
    }
}
