package dev.starling.server.timelines;

import dev.starling.server.RouteModule;
import dev.starling.server.entities.MastodonJson;
import dev.starling.server.entities.StatusJsonCache;
import dev.starling.server.http.ApiException;
import dev.starling.server.http.JsonBytes;
import dev.starling.server.http.Pages;
import dev.starling.server.http.Params;
import dev.starling.server.http.RouteSupport;
import dev.starling.server.oauth.Auth;
import dev.starling.social.accounts.Accounts;
import dev.starling.social.common.Slice;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.Posts;
import dev.starling.social.timelines.AccountFilter;
import dev.starling.social.timelines.Context;
import dev.starling.social.timelines.Timelines;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Timelines and lists of statuses: home, public, tag, an account's statuses, favourites,
 * bookmarks and a status's context, all paged with Mastodon's cursors and Link header; every
 * list comes from social's timelines, which apply the visibility rule in SQL. Status entities are
 * written through {@link StatusJsonCache}.
 */
public final class TimelineRoutes implements RouteModule {
    private final RouteSupport support;
    private final Timelines timelines;
    private final Posts posts;
    private final Accounts accounts;
    private final ReadGate gate;

    public TimelineRoutes(RouteSupport support, Timelines timelines, Posts posts, Accounts accounts) {
        this(support, timelines, posts, accounts, ReadGate.defaults());
    }

    TimelineRoutes(RouteSupport support, Timelines timelines, Posts posts, Accounts accounts, ReadGate gate) {
        this.support = support;
        this.timelines = timelines;
        this.posts = posts;
        this.accounts = accounts;
        this.gate = gate;
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.get("/api/v1/timelines/home", gate.gated(ctx -> {
            long me = Auth.user(ctx, "read:statuses");
            respond(ctx, me, timelines.home(me, Pages.from(support.params(ctx))));
        }));
        routes.get("/api/v1/timelines/public", gate.gated(ctx -> {
            Long viewer = Auth.viewer(ctx, "read:statuses");
            Params p = support.params(ctx);
            p.bool("local", false);
            boolean remoteOnly = p.bool("remote", false);
            boolean onlyMedia = p.bool("only_media", false);
            // Starling has no federation and no media: remote-only or media-only public timelines are empty.
            respond(ctx, viewer, remoteOnly || onlyMedia ? Slice.empty() : timelines.publicTimeline(viewer, Pages.from(p)));
        }));
        routes.get("/api/v1/timelines/tag/{hashtag}", gate.gated(ctx -> {
            Long viewer = Auth.viewer(ctx, "read:statuses");
            Params p = support.params(ctx);
            String tag = ctx.pathParam("hashtag");
            if (tag.length() > 200 || Timelines.normaliseTag(tag) == null) throw ApiException.notFound();
            boolean onlyMedia = p.bool("only_media", false) || p.bool("remote", false);
            respond(ctx, viewer, onlyMedia ? Slice.empty() : timelines.hashtag(viewer, tag, Pages.from(p)));
        }));
        routes.get("/api/v1/accounts/{id}/statuses", gate.gated(ctx -> {
            Long viewer = Auth.viewer(ctx, "read:statuses");
            long id = RouteSupport.pathId(ctx, "id");
            accounts.byId(id).orElseThrow(ApiException::notFound);
            Params p = support.params(ctx);
            if (p.bool("pinned", false)) {
                ctx.json(List.of()); // Starling has no pinned posts
                return;
            }
            String tagged = p.string("tagged", 200);
            AccountFilter filter = new AccountFilter(p.bool("exclude_replies", false), p.bool("exclude_reblogs", false),
                    p.bool("only_media", false), tagged == null || tagged.isBlank() ? null : tagged);
            respond(ctx, viewer, timelines.account(viewer, id, filter, Pages.from(p)));
        }));
        routes.get("/api/v1/favourites", gate.gated(ctx -> {
            long me = Auth.user(ctx, "read:favourites");
            respond(ctx, me, timelines.favourites(me, Pages.from(support.params(ctx))));
        }));
        routes.get("/api/v1/bookmarks", gate.gated(ctx -> {
            long me = Auth.user(ctx, "read:bookmarks");
            respond(ctx, me, timelines.bookmarks(me, Pages.from(support.params(ctx))));
        }));
        routes.get("/api/v1/statuses/{id}/context", gate.gated(ctx -> {
            Long viewer = Auth.viewer(ctx, "read:statuses");
            Context context = timelines.context(viewer, RouteSupport.pathId(ctx, "id")).orElseThrow(ApiException::notFound);
            String base = support.baseUrl(ctx);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("ancestors", MastodonJson.statuses(posts.views(viewer, context.ancestors()), base));
            json.put("descendants", MastodonJson.statuses(posts.views(viewer, context.descendants()), base));
            ctx.json(json);
        }));
    }

    private void respond(io.javalin.http.Context ctx, Long viewer, Slice<Post> slice) {
        String base = support.baseUrl(ctx);
        Pages.link(ctx, base, slice);
        // The same JSON as ctx.json(MastodonJson.statuses(...)), each Status written once per content (StatusJsonCache).
        // UTF-8 bytes assembled once at their exact length (a String would be copied and encoded again).
        byte[] body = StatusJsonCache.statusesUtf8(posts.views(viewer, slice.items()), base, m -> ctx.jsonMapper().toJsonString(m, Map.class));
        JsonBytes.send(ctx, body);
    }
}
