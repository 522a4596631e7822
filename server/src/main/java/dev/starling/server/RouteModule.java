package dev.starling.server;

import io.javalin.router.JavalinDefaultRoutingApi;

/**
 * A group of HTTP routes that {@link StarlingServer} composes. Each feature (the Mastodon API,
 * OAuth, health, metrics, and later the OpenAI-compatible model API in
 * {@code dev.starling.server.openai}) is one module; a module receives what it needs through its
 * constructor and registers its handlers here.
 *
 * <p>Handlers report client errors by throwing {@link dev.starling.server.http.ApiException}
 * (rendered as Mastodon's {@code {"error": "..."}}); anything else that escapes is logged and
 * answered with 500.
 */
@FunctionalInterface
public interface RouteModule {
    void register(JavalinDefaultRoutingApi routes);
}
