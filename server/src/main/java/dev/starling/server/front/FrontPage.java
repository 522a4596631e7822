package dev.starling.server.front;

import dev.starling.server.RouteModule;
import dev.starling.server.ServerOptions;
import dev.starling.server.entities.ContentHtml;
import dev.starling.server.entities.RenderedHtmlCache;
import dev.starling.server.http.RouteSupport;
import dev.starling.social.accounts.Accounts;
import dev.starling.social.common.Page;
import dev.starling.social.posts.PostView;
import dev.starling.social.posts.Posts;
import dev.starling.social.timelines.Timelines;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * The page at {@code /}: what this instance is, how many people and posts it holds, its newest public
 * posts (through the same visibility rule as {@code /api/v1/timelines/public}, seen by nobody signed in),
 * and where to go next (sign-up, the API, health). Server-rendered, escaped, no scripts, and served with a
 * strict Content-Security-Policy. The full web app (timelines, compose, search, AI) is a separate piece of
 * work that replaces this page; until then it is an honest front door rather than a 404.
 */
public final class FrontPage implements RouteModule {
    /** How many public posts the page shows. */
    public static final int POSTS_SHOWN = 20;
    static final String CSP = "default-src 'none'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final RouteSupport support;
    private final ServerOptions options;
    private final Accounts accounts;
    private final Posts posts;
    private final Timelines timelines;

    public FrontPage(RouteSupport support, ServerOptions options, Accounts accounts, Posts posts, Timelines timelines) {
        this.support = support;
        this.options = options;
        this.accounts = accounts;
        this.posts = posts;
        this.timelines = timelines;
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.get("/", this::render);
    }

    private void render(Context ctx) {
        String base = support.baseUrl(ctx);
        List<PostView> latest = posts.views(null, timelines.publicTimeline(null, Page.first(POSTS_SHOWN)).items());
        StringBuilder html = new StringBuilder(16_384);
        String title = ContentHtml.escape(options.title());
        html.append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .append("<title>").append(title).append("</title>\n</head>\n<body>\n<header>\n<h1>").append(title).append("</h1>\n")
            .append("<p>A microblogging network with its own generative AI. ")
            .append(accounts.count()).append(" accounts, ").append(posts.count()).append(" posts.</p>\n")
            .append("<nav aria-label=\"Start\"><ul>\n")
            .append("<li><a href=\"/auth/sign_up\">Create an account</a></li>\n")
            .append("<li><a href=\"/api/v1/timelines/public\">Public timeline (Mastodon API, JSON)</a></li>\n")
            .append("<li><a href=\"/api/v2/instance\">Instance information</a></li>\n")
            .append("<li><a href=\"/health\">Health</a></li>\n")
            .append("</ul></nav>\n<p>Use any Mastodon client with this server's address: ")
            .append(ContentHtml.escape(base)).append("</p>\n</header>\n<main>\n<h2>Newest public posts</h2>\n");
        if (latest.isEmpty()) {
            html.append("<p>No public posts yet.</p>\n");
        } else {
            html.append("<ol>\n");
            for (PostView v : latest) appendPost(html, v.reblog() != null ? v.reblog() : v, v.reblog() != null ? v : null, base);
            html.append("</ol>\n");
        }
        html.append("</main>\n</body>\n</html>\n");
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.contentType("text/html; charset=utf-8").result(html.toString());
    }

    private static void appendPost(StringBuilder html, PostView v, PostView repostedBy, String base) {
        var author = v.author();
        html.append("<li><article>\n");
        if (repostedBy != null) {
            html.append("<p>Reposted by @").append(ContentHtml.escape(repostedBy.author().username())).append("</p>\n");
        }
        String name = author.displayName() == null || author.displayName().isBlank() ? author.username() : author.displayName();
        html.append("<p><strong>").append(ContentHtml.escape(name)).append("</strong> @")
            .append(ContentHtml.escape(author.username())).append(" · <time datetime=\"")
            .append(v.post().createdAt()).append("\">").append(WHEN.format(v.post().createdAt())).append("</time></p>\n");
        String spoiler = v.post().spoilerText();
        if (spoiler != null && !spoiler.isBlank()) {
            html.append("<p>Content warning: ").append(ContentHtml.escape(spoiler)).append("</p>\n");
        }
        html.append(RenderedHtmlCache.render(v.post().text(), base, Map.of()));
        html.append("\n<p>").append(v.repliesCount()).append(" replies, ").append(v.reblogsCount()).append(" reposts, ")
            .append(v.favouritesCount()).append(" likes</p>\n</article></li>\n");
    }
}
