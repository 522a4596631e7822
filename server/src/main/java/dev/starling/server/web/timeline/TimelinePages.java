package dev.starling.server.web.timeline;

import dev.starling.server.RouteModule;
import dev.starling.server.web.Form;
import dev.starling.server.web.Notices;
import dev.starling.server.web.Web;
import dev.starling.server.web.WebException;
import dev.starling.server.web.posts.ComposeForm;
import dev.starling.server.web.posts.PostCard;
import dev.starling.server.web.posts.PostCards;
import dev.starling.server.web.shell.PageMeta;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Page;
import dev.starling.social.common.Slice;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.timelines.Timelines;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Timelines: home at {@code /} (signed out: the newest public posts and a way in), {@code /public},
 * {@code /tags/{tag}} and {@code /bookmarks}. Each reads through social's timeline queries (the one
 * visibility rule); older pages by {@code ?max_id=}. Home, public and tag pages poll
 * {@code <page>/fragment?since_id=} (newer posts as bare {@code <li>}s, {@code X-Newest-Id} header)
 * so that new posts appear without a reload.
 */
public final class TimelinePages implements RouteModule {
    /** Posts per page. */
    public static final int PAGE_SIZE = 20;

    private final Web web;
    private final PostCards cards;

    public TimelinePages(Web web) {
        this.web = web;
        this.cards = new PostCards(web);
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        Timelines t = web.social().timelines();
        routes.get("/", ctx -> {
            Long me = web.viewerId(ctx);
            if (me == null) {
                timeline(ctx, "Newest public posts", null, "/public/fragment", page -> t.publicTimeline(null, page),
                        "No public posts yet.", "home", true);
            } else {
                PostVisibility preset = web.viewer(ctx).map(Account::defaultVisibility).orElse(PostVisibility.PUBLIC);
                timeline(ctx, "Home", ComposeForm.empty(web.social().posts().rules().maxWeightedLength(), preset), "/home/fragment",
                        page -> t.home(me, page), "Nothing here yet: follow people, or write your first post.", "home", false);
            }
        });
        routes.get("/home/fragment", ctx -> {
            Long me = web.viewerId(ctx);
            if (me == null) {
                ctx.status(204);
                return;
            }
            fragment(ctx, page -> t.home(me, page));
        });
        routes.get("/public", ctx -> timeline(ctx, "Public timeline", null, "/public/fragment",
                page -> t.publicTimeline(web.viewerId(ctx), page), "No public posts yet.", null, false));
        routes.get("/public/fragment", ctx -> fragment(ctx, page -> t.publicTimeline(web.viewerId(ctx), page)));
        routes.get("/tags/{tag}", ctx -> {
            String tag = tag(ctx);
            timeline(ctx, "#" + tag, null, "/tags/" + URLEncoder.encode(tag, StandardCharsets.UTF_8) + "/fragment",
                    page -> t.hashtag(web.viewerId(ctx), tag, page), "No public posts with #" + tag + " yet.", null, false);
        });
        routes.get("/tags/{tag}/fragment", ctx -> {
            String tag = tag(ctx);
            fragment(ctx, page -> t.hashtag(web.viewerId(ctx), tag, page));
        });
        routes.get("/bookmarks", ctx -> {
            long me = web.requireSignIn(ctx).id();
            timeline(ctx, "Bookmarks", null, null, page -> t.bookmarks(me, page), "You have no bookmarks.", null, false);
        });
    }

    private static String tag(Context ctx) {
        String tag = Timelines.normaliseTag(ctx.pathParam("tag"));
        if (tag == null) throw new WebException(404, "\"" + shorten(ctx.pathParam("tag")) + "\" is not a hashtag.");
        return tag;
    }

    private void timeline(Context ctx, String heading, ComposeForm compose, String liveUrl, Function<Page, Slice<Post>> read,
                          String emptyText, String nav, boolean landing) {
        Long maxId = Form.queryId(ctx, "max_id");
        Slice<Post> slice = read.apply(Page.of(maxId, null, null, PAGE_SIZE));
        Long me = web.viewerId(ctx);
        List<PostCard> shown = cards.cards(me, web.social().posts().views(me, slice.items()));
        Map<String, Object> p = new HashMap<>();
        p.put("heading", heading);
        p.put("compose", compose);
        p.put("cards", shown);
        p.put("liveUrl", maxId == null ? liveUrl : null);
        p.put("newestId", slice.items().isEmpty() ? 0L : slice.items().getFirst().id());
        p.put("olderUrl", slice.nextMaxId() == null || slice.items().size() < PAGE_SIZE ? null : ctx.path() + "?max_id=" + slice.nextMaxId());
        p.put("emptyText", emptyText);
        p.put("landing", landing);
        web.page(ctx, PageMeta.of(heading, nav).withNotice(Notices.message(ctx.queryParam("notice"))), "timeline.jte", p);
    }

    private void fragment(Context ctx, Function<Page, Slice<Post>> read) {
        Long since = Form.queryId(ctx, "since_id");
        Slice<Post> slice = read.apply(Page.of(null, since, null, PAGE_SIZE));
        Long me = web.viewerId(ctx);
        if (!slice.items().isEmpty()) ctx.header("X-Newest-Id", Long.toString(slice.items().getFirst().id()));
        web.fragment(ctx, "parts/post_items.jte", Map.of("cards", cards.cards(me, web.social().posts().views(me, slice.items()))));
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
