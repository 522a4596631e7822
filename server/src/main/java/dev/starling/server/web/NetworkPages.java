package dev.starling.server.web;

import dev.starling.server.RouteModule;
import dev.starling.server.web.shell.PageMeta;
import java.util.List;
import java.util.Map;

/** The network's own pages (home, threads, profiles, notifications, hashtags). */
final class NetworkPages {
    private NetworkPages() {}

    static List<RouteModule> all(Web web) {
        return List.of(routes -> routes.get("/", ctx -> web.page(ctx, PageMeta.of("Home", "home").withNotice(Notices.message(ctx.queryParam("notice"))), "home.jte", Map.of())));
    }
}
