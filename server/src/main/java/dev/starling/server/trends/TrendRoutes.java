package dev.starling.server.trends;

import dev.starling.ai.trends.TrendItem;
import dev.starling.ai.trends.TrendKind;
import dev.starling.ai.trends.TrendLists;
import dev.starling.ai.trends.TrendModeration;
import dev.starling.ai.trends.TrendStories;
import dev.starling.ai.trends.TrendStory;
import dev.starling.server.RouteModule;
import dev.starling.server.entities.MastodonJson;
import dev.starling.server.http.ApiException;
import dev.starling.server.http.Params;
import dev.starling.server.http.RouteSupport;
import dev.starling.server.oauth.Auth;
import dev.starling.social.Social;
import dev.starling.social.posts.Post;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Trends over HTTP. Mastodon's {@code GET /api/v1/trends/tags} (alias {@code /api/v1/trends}),
 * {@code /api/v1/trends/statuses} and {@code /api/v1/trends/links} in Mastodon's shapes; Starling's
 * {@code GET /api/v1/starling/trends/phrases}, {@code /api/v1/starling/trends/stories} and
 * {@code /api/v1/starling/trends/stories/:id}. All public (a token is optional; statuses are shown as the caller may
 * see them). Paging by {@code offset} and {@code limit} as Mastodon: a limit above the maximum is clamped to it, a
 * limit below 1 or a malformed number answers 422; a {@code Link} header points to the next and previous pages.
 *
 * <p>Moderation, for accounts with the admin role and a token with the {@code write} scope (Mastodon's
 * {@code admin:*} scopes are not offered by this server): {@code POST /api/v1/starling/admin/trends/hide} and
 * {@code /unhide} with {@code type} (tag, link, phrase) and {@code name}; {@code GET /api/v1/starling/admin/trends/hidden};
 * {@code POST /api/v1/starling/admin/trends/stories/:id/hide} and {@code /unhide}. Others get 403.
 */
public final class TrendRoutes implements RouteModule {

    public static final int MAX_TAGS = 20;
    public static final int MAX_LINKS = 20;
    public static final int MAX_STATUSES = 40;
    public static final int MAX_STORIES = 20;
    public static final int MAX_NAME_CHARS = 2048;

    private final RouteSupport support;
    private final Social social;
    private final TrendLists lists;
    private final TrendStories stories;
    private final TrendModeration moderation;

    /** @param stories may be null: the stories endpoints then answer an empty list */
    public TrendRoutes(RouteSupport support, Social social, TrendLists lists, TrendStories stories, TrendModeration moderation) {
        this.support = support;
        this.social = social;
        this.lists = lists;
        this.stories = stories;
        this.moderation = moderation;
    }

    private record Page(int offset, int limit) {
    }

    private Page page(Context ctx, int fallback, int max) {
        Params p = support.params(ctx);
        int limit = p.intInRange("limit", fallback, 1, Integer.MAX_VALUE);
        int offset = p.intInRange("offset", 0, 0, TrendLists.MAX_OFFSET);
        return new Page(offset, Math.min(limit, max));
    }

    /** Mastodon's offset paging links: next when the page is full, prev when not at the start. */
    private void link(Context ctx, Page page, int returned) {
        String url = support.baseUrl(ctx) + ctx.path();
        List<String> parts = new ArrayList<>();
        if (returned >= page.limit()) {
            parts.add("<" + url + "?offset=" + (page.offset() + page.limit()) + "&limit=" + page.limit() + ">; rel=\"next\"");
        }
        if (page.offset() > 0) {
            parts.add("<" + url + "?offset=" + Math.max(0, page.offset() - page.limit()) + "&limit=" + page.limit() + ">; rel=\"prev\"");
        }
        if (!parts.isEmpty()) {
            ctx.header("Link", String.join(", ", parts));
        }
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.get("/api/v1/trends", this::tags);
        routes.get("/api/v1/trends/tags", this::tags);
        routes.get("/api/v1/trends/links", ctx -> {
            Auth.viewer(ctx, "read");
            Page page = page(ctx, 10, MAX_LINKS);
            List<Map<String, Object>> out = lists.items(TrendKind.LINK, page.offset(), page.limit()).stream().map(TrendJson::link).toList();
            link(ctx, page, out.size());
            ctx.json(out);
        });
        routes.get("/api/v1/trends/statuses", ctx -> {
            Long viewer = Auth.viewer(ctx, "read:statuses");
            Page page = page(ctx, 20, MAX_STATUSES);
            List<Long> ids = lists.statusIds(page.offset(), page.limit());
            link(ctx, page, ids.size());
            ctx.json(statuses(viewer, ids, support.baseUrl(ctx)));
        });
        routes.get("/api/v1/starling/trends/phrases", ctx -> {
            Auth.viewer(ctx, "read");
            Page page = page(ctx, 10, MAX_TAGS);
            List<Map<String, Object>> out = lists.items(TrendKind.PHRASE, page.offset(), page.limit()).stream().map(TrendJson::phrase).toList();
            link(ctx, page, out.size());
            ctx.json(out);
        });
        routes.get("/api/v1/starling/trends/stories", ctx -> {
            Long viewer = Auth.viewer(ctx, "read:statuses");
            Page page = page(ctx, 10, MAX_STORIES);
            List<TrendStory> list = stories == null ? List.of() : stories.list(page.offset(), page.limit());
            String base = support.baseUrl(ctx);
            List<Map<String, Object>> out = new ArrayList<>();
            for (TrendStory s : list) {
                out.add(TrendJson.story(s, statuses(viewer, storyPosts(s), base), base));
            }
            link(ctx, page, list.size());
            ctx.json(out);
        });
        routes.get("/api/v1/starling/trends/stories/{id}", ctx -> {
            Long viewer = Auth.viewer(ctx, "read:statuses");
            long id = RouteSupport.pathId(ctx, "id");
            Optional<TrendStory> s = stories == null ? Optional.empty() : stories.get(id);
            if (s.isEmpty() || (s.get().hidden() && !isAdmin(viewer))) {
                throw ApiException.notFound();
            }
            String base = support.baseUrl(ctx);
            ctx.json(TrendJson.story(s.get(), statuses(viewer, storyPosts(s.get()), base), base));
        });
        routes.post("/api/v1/starling/admin/trends/hide", ctx -> {
            admin(ctx);
            Params p = support.params(ctx);
            TrendKind kind = kind(p);
            String name = p.required("name", MAX_NAME_CHARS);
            String stored;
            try {
                stored = moderation.hide(kind, name, Auth.user(ctx, "write"));
            } catch (IllegalArgumentException e) {
                throw Params.badParam("name", e.getMessage());
            }
            ctx.json(hiddenJson(kind, stored, true));
        });
        routes.post("/api/v1/starling/admin/trends/unhide", ctx -> {
            admin(ctx);
            Params p = support.params(ctx);
            TrendKind kind = kind(p);
            String name = p.required("name", MAX_NAME_CHARS);
            String stored;
            try {
                stored = TrendModeration.normalize(kind, name);
            } catch (IllegalArgumentException e) {
                throw Params.badParam("name", e.getMessage());
            }
            moderation.unhide(kind, stored);
            ctx.json(hiddenJson(kind, stored, false));
        });
        routes.get("/api/v1/starling/admin/trends/hidden", ctx -> {
            admin(ctx);
            List<Map<String, Object>> out = new ArrayList<>();
            for (TrendModeration.Hidden h : moderation.hidden()) {
                Map<String, Object> m = hiddenJson(h.kind(), h.term(), true);
                m.put("hidden_by", h.hiddenBy() == null ? null : Long.toString(h.hiddenBy()));
                m.put("hidden_at", h.hiddenAt().toString());
                out.add(m);
            }
            ctx.json(out);
        });
        routes.post("/api/v1/starling/admin/trends/stories/{id}/hide", ctx -> {
            long admin = admin(ctx);
            long id = RouteSupport.pathId(ctx, "id");
            if (!moderation.hideStory(id, admin)) {
                throw ApiException.notFound();
            }
            ctx.json(Map.of("id", Long.toString(id), "hidden", true));
        });
        routes.post("/api/v1/starling/admin/trends/stories/{id}/unhide", ctx -> {
            admin(ctx);
            long id = RouteSupport.pathId(ctx, "id");
            if (!moderation.unhideStory(id)) {
                throw ApiException.notFound();
            }
            ctx.json(Map.of("id", Long.toString(id), "hidden", false));
        });
    }

    private void tags(Context ctx) {
        Auth.viewer(ctx, "read");
        Page page = page(ctx, 10, MAX_TAGS);
        String base = support.baseUrl(ctx);
        List<Map<String, Object>> out = lists.items(TrendKind.TAG, page.offset(), page.limit()).stream().map(i -> TrendJson.tag(i, base)).toList();
        link(ctx, page, out.size());
        ctx.json(out);
    }

    /** The cited posts of a story with text, else its representative posts. */
    private static List<Long> storyPosts(TrendStory s) {
        return s.generated() ? s.citedPostIds() : s.postIds();
    }

    /**
     * Posts the viewer may see, in the given order (social decides visibility, blocks and all), without the posts of
     * accounts the viewer mutes (as Mastodon's trends leave them out).
     */
    private List<Map<String, Object>> statuses(Long viewer, List<Long> ids, String base) {
        List<Post> shown = new ArrayList<>();
        for (long id : ids) {
            social.posts().get(viewer, id).ifPresent(shown::add);
        }
        if (viewer != null && !shown.isEmpty()) {
            List<Long> authors = shown.stream().map(Post::authorId).distinct().limit(100).toList();
            java.util.Set<Long> muted = new java.util.HashSet<>();
            social.relationships().relationships(viewer, authors).forEach(r -> {
                if (r.muting()) {
                    muted.add(r.targetId());
                }
            });
            shown.removeIf(p -> muted.contains(p.authorId()));
        }
        return MastodonJson.statuses(social.posts().views(viewer, shown), base);
    }

    private long admin(Context ctx) {
        long me = Auth.user(ctx, "write");
        if (!social.accounts().isAdmin(me)) {
            throw ApiException.forbidden("This action is allowed only to administrators");
        }
        return me;
    }

    private boolean isAdmin(Long viewer) {
        return viewer != null && social.accounts().isAdmin(viewer);
    }

    private static TrendKind kind(Params p) {
        String type = p.required("type", 10);
        return TrendKind.parse(type).orElseThrow(() -> Params.badParam("type", "must be tag, link or phrase, got '" + type + "'"));
    }

    private static Map<String, Object> hiddenJson(TrendKind kind, String term, boolean hidden) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", kind.wireName());
        m.put("name", term);
        m.put("hidden", hidden);
        return m;
    }

}
