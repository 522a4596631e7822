package dev.starling.server.web;

import dev.starling.server.RouteModule;
import dev.starling.server.oauth.Authenticator;
import dev.starling.server.web.auth.AuthPages;
import dev.starling.server.web.shell.Assets;
import dev.starling.server.web.shell.PageMeta;
import dev.starling.server.web.text.CountRoute;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The web app's routes: versioned static assets, error pages, the character count, sign in/up/out,
 * and the network's pages; then every {@link WebFeature} given (search, Ask, settings, admin).
 */
public final class WebModule implements RouteModule {
    /** One year: assets are immutable under their versioned URL. */
    static final String ASSET_CACHE = "public, max-age=31536000, immutable";

    private final Web web;
    private final List<RouteModule> pages = new ArrayList<>();

    public WebModule(Web web, Authenticator authenticator, List<WebFeature> features) {
        this.web = web;
        pages.add(new CountRoute(web.social().posts().rules()));
        pages.add(new AuthPages(web, authenticator));
        pages.addAll(NetworkPages.all(web));
        for (WebFeature f : features) pages.add(f.routes(web));
    }

    public Web web() {
        return web;
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.before(ctx -> {
            String path = ctx.path();
            if (!path.startsWith("/api/") && !path.startsWith("/oauth/") && !path.startsWith("/static/")) {
                ctx.attribute(Web.STARTED_NANOS, System.nanoTime());
            }
        });
        routes.get("/static/{version}/<path>", ctx -> {
            var asset = web.assets().get(ctx.pathParam("version"), ctx.pathParam("path"));
            if (asset.isEmpty()) {
                ctx.status(404).contentType("text/plain; charset=utf-8").header("Cache-Control", "no-store")
                        .result("No such asset in this version of the web app (current version " + web.assets().version() + ")");
                return;
            }
            Assets.Asset a = asset.get();
            ctx.header("Cache-Control", ASSET_CACHE).header("X-Content-Type-Options", "nosniff")
                    .contentType(a.contentType()).result(a.bytes());
        });
        routes.exception(WebRedirect.class, (e, ctx) -> web.seeOther(ctx, e.location()));
        routes.exception(WebException.class, (e, ctx) -> {
            ctx.header("Content-Security-Policy", dev.starling.server.web.shell.SecurityHeaders.CSP);
            web.page(ctx, e.status(), PageMeta.of(e.status() == 404 ? "Not found" : "Error " + e.status(), null), "error.jte",
                    Map.of("status", e.status(), "message", e.getMessage()));
        });
        // A browser (Accept: text/html) that asks for a page that does not exist gets a page, not the API's JSON.
        routes.error(404, "html", ctx -> {
            String path = ctx.path();
            String type = ctx.res().getContentType();
            if (path.startsWith("/api/") || path.startsWith("/oauth/") || path.startsWith("/static/") || (type != null && type.startsWith("text/html"))) return;
            web.page(ctx, 404, PageMeta.of("Not found", null), "error.jte",
                    Map.of("status", 404, "message", "There is no page at this address."));
        });
        for (RouteModule m : pages) m.register(routes);
    }
}
