package dev.starling.server.openai;

import dev.starling.ai.backend.ModelBackend;
import dev.starling.server.StarlingServer;
import dev.starling.server.metrics.Metrics;
import dev.starling.server.oauth.Authenticator;
import dev.starling.server.oauth.OAuthStore;
import dev.starling.server.ratelimit.RateLimiter;
import dev.starling.server.ratelimit.RateLimits;
import java.time.Clock;
import java.util.List;

/**
 * A real Starling HTTP server on port 0 with only the OpenAI routes. The /v1 routes need no database: the
 * authenticator (for /api and /oauth) gets a store without one, which these tests never reach.
 */
final class OpenAiTestServer implements AutoCloseable {

    private final StarlingServer server;

    OpenAiTestServer(ModelBackend backend, OpenAiLimits limits) {
        this(new OpenAiRoutes(backend, limits));
    }

    OpenAiTestServer(OpenAiRoutes routes) {
        Authenticator unusedAuth = new Authenticator(new OAuthStore(null), new RateLimiter(Clock.systemUTC()),
                RateLimits.unlimited());
        this.server = StarlingServer.start("127.0.0.1", 0, 4L << 20, StarlingServer.defaultMapper(), new Metrics(),
                unusedAuth, List.of(routes));
    }

    int port() {
        return server.port();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/v1";
    }

    @Override
    public void close() {
        server.close();
    }
}
