package dev.starling.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.server.metrics.Metrics;
import dev.starling.server.oauth.Authenticator;
import dev.starling.server.oauth.OAuthStore;
import dev.starling.server.ratelimit.RateLimiter;
import dev.starling.server.ratelimit.RateLimits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Both thread models of the HTTP server ({@code -Dstarling.http.threads}) serve requests on virtual threads. */
class StarlingServerThreadsTest {

    @Test
    void bothThreadModelsAnswerOnVirtualThreads() throws Exception {
        for (boolean hybrid : new boolean[] {false, true}) {
            Authenticator auth = new Authenticator(new OAuthStore(null), new RateLimiter(Clock.systemUTC()), RateLimits.unlimited());
            RouteModule probe = routes -> routes.get("/probe", ctx -> ctx.result(Thread.currentThread().isVirtual() ? "virtual" : "platform"));
            try (StarlingServer server = StarlingServer.start("127.0.0.1", 0, 1 << 20, StarlingServer.defaultMapper(), new Metrics(), auth,
                    List.of(probe), hybrid);
                 HttpClient client = HttpClient.newHttpClient()) {
                for (int i = 0; i < 3; i++) { // keep-alive: the connection goes back to the selector between requests
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/probe")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode(), "hybrid=" + hybrid);
                    assertEquals("virtual", r.body(), "hybrid=" + hybrid);
                }
                HttpResponse<String> missing = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/nope")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(404, missing.statusCode());
            }
        }
    }

    @Test
    void theSettingIsVirtualOrHybridAndNothingElse() {
        assertFalse(StarlingServer.hybrid(null));
        assertFalse(StarlingServer.hybrid(" virtual "));
        assertTrue(StarlingServer.hybrid("hybrid"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StarlingServer.hybrid("platform"));
        assertTrue(e.getMessage().contains("starling.http.threads") && e.getMessage().contains("'platform'"), e.getMessage());
    }
}
