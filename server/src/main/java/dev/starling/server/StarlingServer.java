package dev.starling.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.server.http.ApiException;
import dev.starling.server.http.Json;
import dev.starling.server.http.Params;
import dev.starling.server.metrics.Metrics;
import dev.starling.server.oauth.Authenticator;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.javalin.router.Endpoint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: Javalin on Jetty, composed of {@link RouteModule}s. It owns what every route
 * shares: JSON (snake_case), request body limits, authentication and rate limits for
 * {@code /api/*} and {@code /oauth/*}, the error mapping to Mastodon's {@code {"error": "..."}},
 * and request metrics. Build one with {@link StarlingServer#start}; {@link #port()} tells the
 * bound port (useful with port 0).
 */
public final class StarlingServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StarlingServer.class);
    /** How long {@link #stop} waits for requests in flight. */
    public static final long STOP_TIMEOUT_MILLIS = 10_000;

    /**
     * Jetty's response buffer per request: a whole home page is written at once (see {@code JsonBytes}). 64 KB is the
     * largest buffer Jetty's buffer pool keeps by default: 128 KB buffers were allocated afresh for every response and
     * halved the ceiling's throughput ({@code starling loadbench ceiling}).
     */
    static final int OUTPUT_BUFFER_BYTES = 64 << 10;

    /**
     * {@code -Dstarling.http.threads=hybrid}: Jetty's selector and acceptor on platform threads (a {@code QueuedThreadPool}),
     * requests on virtual threads, instead of Javalin's default where every Jetty thread is virtual ({@code virtual}). With
     * all threads virtual the selector itself waits through the JDK's virtual-thread poller. Measured on the ceiling
     * ({@code loadbench ceiling}, quick network, 16 connections, load 6-8, alternating runs): hybrid 31,486/31,490 req/s at
     * 0.0257/0.0241 ms of server CPU per request, virtual 22,654/23,134 req/s at 0.0217/0.0207 ms: more throughput and a
     * lower p99 for ~15% more CPU per request; on home the runs were too noisy to rank. Default virtual (less CPU).
     */
    static final boolean HYBRID_THREADS = hybrid(System.getProperty("starling.http.threads"));

    static boolean hybrid(String configured) {
        if (configured == null || configured.isBlank() || configured.strip().equals("virtual")) return false;
        if (configured.strip().equals("hybrid")) return true;
        throw new IllegalArgumentException("starling.http.threads must be 'virtual' or 'hybrid', got '" + configured + "'");
    }

    private static org.eclipse.jetty.util.thread.QueuedThreadPool hybridThreadPool() {
        org.eclipse.jetty.util.thread.QueuedThreadPool pool = new org.eclipse.jetty.util.thread.QueuedThreadPool(200, 8, 60_000);
        pool.setName("JettyServerThreadPool");
        pool.setVirtualThreadsExecutor(java.util.concurrent.Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("JettyServerThreadPool-Virtual-", 0).factory()));
        return pool;
    }

    private final Javalin app;

    private StarlingServer(Javalin app) {
        this.app = app;
    }

    /**
     * Starts a server on {@code host:port} (port 0 picks a free port).
     *
     * @param authenticator resolves bearer tokens and spends rate-limit budgets (see {@code ServerWiring})
     * @param modules       the route groups, registered in order
     */
    public static StarlingServer start(String host, int port, long maxBodyBytes, ObjectMapper mapper, Metrics metrics,
                                       Authenticator authenticator, List<RouteModule> modules) {
        return start(host, port, maxBodyBytes, mapper, metrics, authenticator, modules, HYBRID_THREADS);
    }

    static StarlingServer start(String host, int port, long maxBodyBytes, ObjectMapper mapper, Metrics metrics,
                                Authenticator authenticator, List<RouteModule> modules, boolean hybridThreads) {
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = maxBodyBytes;
            config.http.defaultContentType = "application/json";
            config.concurrency.useVirtualThreads = true;
            if (hybridThreads) config.jetty.threadPool = hybridThreadPool();
            config.router.ignoreTrailingSlashes = true;
            config.jsonMapper(new JavalinJackson(mapper, false));
            // Form bodies get the same limit as every body (Jetty's own default is 200,000 bytes).
            config.jetty.modifyServletContextHandler(handler -> {
                handler.setMaxFormContentSize((int) Math.min(Integer.MAX_VALUE, maxBodyBytes));
                handler.setMaxFormKeys(Params.MAX_PARAMS);
            });
            // A whole home page (20 statuses, ~32 KB) fits the output buffer and is aggregated in it, so Jetty writes it at
            // once with a Content-Length (with Jetty's defaults, 32 KB and writes over 8 KB passed straight through, it
            // went out chunked in two writes). See JsonBytes. The ceiling (same page, no database), alternating runs:
            // 17,046-19,803 -> 21,899-31,200 req/s, server CPU per request 0.034-0.044 -> 0.024-0.027 ms.
            config.jetty.modifyHttpConfiguration(http -> {
                http.setOutputBufferSize(OUTPUT_BUFFER_BYTES);
                http.setOutputAggregationSize(OUTPUT_BUFFER_BYTES);
            });
            // Graceful stop: stop accepting, then let requests in flight finish (up to the timeout).
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(STOP_TIMEOUT_MILLIS);
                if (server.getHandler() != null && !(server.getHandler() instanceof GracefulHandler)) {
                    server.setHandler(new GracefulHandler(server.getHandler()));
                }
            });
            config.requestLogger.http((ctx, ms) -> metrics.recordRequest(ctx.method().name(), routeOf(ctx), ctx.statusCode(), ms));
            var routes = config.routes;
            routes.before(ctx -> {
                long length = ctx.contentLength();
                if (length > maxBodyBytes) {
                    throw new ApiException(413, "Request body is " + length + " bytes, at most " + maxBodyBytes + " allowed");
                }
            });
            routes.before(StarlingServer::cors);
            routes.beforeMatched("/api/*", authenticator::handle);
            routes.beforeMatched("/oauth/*", authenticator::handle);
            routes.exception(ApiException.class, (e, ctx) -> {
                e.headers().forEach(ctx::header);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("error", e.getMessage());
                body.putAll(e.details());
                ctx.status(e.status()).json(body);
            });
            routes.exception(HttpResponseException.class, (e, ctx) -> {
                String message = e.getMessage() == null || e.getMessage().isBlank() ? "HTTP " + e.getStatus() : e.getMessage();
                ctx.status(e.getStatus()).json(Map.of("error", message));
            });
            routes.exception(Exception.class, (e, ctx) -> {
                if (isPoolExhausted(e)) { // overload: every connection busy past the pool's timeout
                    LOG.warn("Database pool exhausted on {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
                    ctx.status(503).header("Retry-After", "1").json(Map.of("error", "Service temporarily unavailable, try again shortly"));
                    return;
                }
                LOG.error("Unexpected error on {} {}", ctx.method(), ctx.path(), e);
                ctx.status(500).json(Map.of("error", "Internal server error"));
            });
            routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) ctx.json(Map.of("error", "Record not found"));
            });
            routes.error(405, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) ctx.json(Map.of("error", "Method not allowed"));
            });
            for (RouteModule module : modules) module.register(routes);
        });
        app.start(host, port);
        return new StarlingServer(app);
    }

    /**
     * CORS as Mastodon allows it for browser clients: any origin may call the API and the token
     * endpoints with a bearer token (no cookies, so no credentials mode); preflights are answered here.
     */
    private static void cors(io.javalin.http.Context ctx) {
        String path = ctx.path();
        if (!(path.startsWith("/api/") || path.equals("/oauth/token") || path.equals("/oauth/revoke"))) return;
        ctx.header("Access-Control-Allow-Origin", "*");
        ctx.header("Access-Control-Expose-Headers", "Link, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, WWW-Authenticate");
        if (ctx.method().name().equals("OPTIONS")) {
            ctx.header("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
            ctx.header("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key, Accept");
            ctx.header("Access-Control-Max-Age", "86400");
            ctx.status(204);
            ctx.skipRemainingHandlers();
        }
    }

    private static boolean isPoolExhausted(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException) return true;
        }
        return false;
    }

    private static String routeOf(io.javalin.http.Context ctx) {
        try {
            Endpoint e = ctx.endpoints().matchedHttpEndpoint();
            return e == null ? "UNMATCHED" : e.path;
        } catch (RuntimeException e) {
            return "UNMATCHED";
        }
    }

    public int port() {
        return app.port();
    }

    public void stop() {
        app.stop();
    }

    @Override
    public void close() {
        stop();
    }

    /** The mapper every module should use (snake_case, ISO dates). */
    public static ObjectMapper defaultMapper() {
        return Json.newMapper();
    }
}
