package dev.starling.server.web;

import dev.starling.server.ServerOptions;
import dev.starling.server.http.BaseUrl;
import dev.starling.server.web.session.Cookies;
import dev.starling.server.web.session.Csrf;
import dev.starling.server.web.session.WebSessions;
import dev.starling.server.web.shell.Assets;
import dev.starling.server.web.shell.PageMeta;
import dev.starling.server.web.shell.SecurityHeaders;
import dev.starling.server.web.shell.Shell;
import dev.starling.server.web.shell.Templates;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import dev.starling.server.web.posts.PostLink;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The web app's toolkit, shared by every page module (see the package documentation): who is
 * signed in, requiring sign-in, CSRF, and rendering a page body inside the layout.
 * Thread-safe; one per server.
 */
public final class Web {
    private static final String VIEWER = "web.viewer";
    private static final String SECRET = "web.sessionSecret";

    private final Social social;
    private final ServerOptions options;
    private final WebSessions sessions;
    private final Cookies cookies;
    private final Csrf csrf;
    private final Templates templates;
    private final Assets assets;
    private final List<PostLink> postLinks = new CopyOnWriteArrayList<>();
    private final List<dev.starling.server.web.posts.PostMarker> postMarkers = new CopyOnWriteArrayList<>();

    public Web(Social social, ServerOptions options, WebSessions sessions, Templates templates, Assets assets) {
        this.social = social;
        this.options = options;
        this.sessions = sessions;
        this.cookies = new Cookies(options.publicBaseUrl());
        this.csrf = new Csrf(cookies);
        this.templates = templates;
        this.assets = assets;
    }

    // --- who is asking ---

    /** The signed-in account of this request, if its session cookie names a live session. */
    public Optional<Account> viewer(Context ctx) {
        Optional<Account> cached = ctx.attribute(VIEWER);
        if (cached != null) return cached;
        Optional<Account> viewer = Optional.empty();
        String secret = ctx.cookie(Cookies.SESSION);
        if (secret != null) {
            viewer = sessions.findAccount(secret);
            if (viewer.isPresent()) ctx.attribute(SECRET, secret);
        }
        ctx.attribute(VIEWER, viewer);
        return viewer;
    }

    /** The viewer's id, or null when signed out (the form the social services take). */
    public Long viewerId(Context ctx) {
        return viewer(ctx).map(Account::id).orElse(null);
    }

    /** The signed-in account; otherwise ends the request with a redirect to sign-in that comes back here. */
    public Account requireSignIn(Context ctx) {
        return viewer(ctx).orElseThrow(() -> new WebRedirect(signInPath(ctx)));
    }

    /** The sign-in page's path, returning to this request's page (a GET) or to the referring page. */
    public String signInPath(Context ctx) {
        String back = ctx.method().name().equals("GET") ? ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString()) : "/";
        return "/sign_in?return_to=" + URLEncoder.encode(back, StandardCharsets.UTF_8);
    }

    // --- CSRF ---

    /** The CSRF token forms on this request's page must carry (field {@value Csrf#FIELD}). */
    public String csrfToken(Context ctx) {
        viewer(ctx);
        return csrf.token(ctx, ctx.attribute(SECRET));
    }

    /** Ends a state-changing request with 403 unless it carries this browser's CSRF token. */
    public void requireCsrf(Context ctx) {
        viewer(ctx);
        if (!csrf.valid(ctx, ctx.attribute(SECRET))) {
            throw new WebException(403, "This form expired or did not come from this site (missing or wrong CSRF token). Reload the page and try again.");
        }
    }

    // --- rendering ---

    /** Renders {@code bodyTemplate} inside the layout with status 200. */
    public void page(Context ctx, PageMeta meta, String bodyTemplate, Map<String, Object> params) {
        page(ctx, 200, meta, bodyTemplate, params);
    }

    /**
     * Renders {@code bodyTemplate} inside the layout. The body template receives {@code params} plus
     * {@code csrf} (String) and {@code viewer} (Account or null) when it declares them.
     */
    public void page(Context ctx, int status, PageMeta meta, String bodyTemplate, Map<String, Object> params) {
        Account viewer = viewer(ctx).orElse(null);
        String token = csrfToken(ctx);
        Map<String, Object> body = withCommon(ctx, params, token, viewer);
        Shell shell = new Shell(options.title(), meta, viewer, token, assets);
        String html = templates.render("layout.jte", Map.of("shell", shell, "body", templates.content(bodyTemplate, body)));
        html(ctx, status, html);
    }

    /** Renders a template alone (a fragment for a fetch), with the same extra parameters as {@link #page}. */
    public void fragment(Context ctx, String template, Map<String, Object> params) {
        html(ctx, 200, renderToString(ctx, template, params));
    }

    /** A template rendered alone to a string, with the same extra parameters as {@link #page}. */
    public String renderToString(Context ctx, String template, Map<String, Object> params) {
        return templates.render(template, withCommon(ctx, params, csrfToken(ctx), viewer(ctx).orElse(null)));
    }

    /** Request attribute: System.nanoTime() when the web request started (set by {@link WebModule}). */
    static final String STARTED_NANOS = "web.startedNanos";

    /** Sends HTML with the security headers (CSP, no-store, no framing) and {@code Server-Timing: app;dur=<ms>}. */
    public void html(Context ctx, int status, String html) {
        SecurityHeaders.apply(ctx);
        Long t0 = ctx.attribute(STARTED_NANOS);
        if (t0 != null) ctx.header("Server-Timing", String.format(java.util.Locale.ROOT, "app;dur=%.2f", (System.nanoTime() - t0) / 1e6));
        ctx.status(status).contentType("text/html; charset=utf-8").result(html);
    }

    /** The answer to a successful form POST: 303 See Other to a path on this server. */
    public void seeOther(Context ctx, String path) {
        SecurityHeaders.apply(ctx);
        ctx.status(303).header("Location", isLocalPath(path) ? path : "/");
    }

    private static Map<String, Object> withCommon(Context ctx, Map<String, Object> params, String token, Account viewer) {
        Map<String, Object> all = new HashMap<>(params);
        all.putIfAbsent("csrf", token);
        all.putIfAbsent("viewer", viewer);
        all.putIfAbsent("here", here(ctx));
        return all;
    }

    /** This page's local path and query (where a form on it should come back to). */
    public static String here(Context ctx) {
        String q = ctx.queryString();
        String path = ctx.path() + (q == null || q.isEmpty() ? "" : "?" + q);
        return isLocalPath(path) ? path : "/";
    }

    /** True for a path on this server ({@code /x}), never {@code //host} or a scheme: safe to redirect to. */
    public static boolean isLocalPath(String path) {
        return path != null && path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\")
                && path.length() <= 2000 && path.chars().noneMatch(c -> c < 0x20 || c == '\\');
    }

    /**
     * Adds a link to every post card rendered by {@link dev.starling.server.web.posts.PostCards#PostCards(Web)}
     * (call it while building a {@link WebFeature}'s routes, before requests are served).
     */
    public void addPostLink(PostLink link) {
        postLinks.add(link);
    }

    /** The extra post links registered so far, in order. */
    public List<PostLink> postLinks() {
        return List.copyOf(postLinks);
    }

    /**
     * Adds a marker asked about every post card rendered by {@link dev.starling.server.web.posts.PostCards#PostCards(Web)}
     * (e.g. the assistant's "AI-generated reply" mark); the first non-null mark is shown. Call it while
     * building a {@link WebFeature}'s routes, before requests are served.
     */
    public void addPostMarker(dev.starling.server.web.posts.PostMarker marker) {
        postMarkers.add(java.util.Objects.requireNonNull(marker, "marker"));
    }

    /** The post markers registered so far, in order. */
    public List<dev.starling.server.web.posts.PostMarker> postMarkers() {
        return List.copyOf(postMarkers);
    }

    public String baseUrl(Context ctx) {
        return BaseUrl.of(ctx, options.publicBaseUrl());
    }

    public Social social() {
        return social;
    }

    public ServerOptions options() {
        return options;
    }

    public WebSessions sessions() {
        return sessions;
    }

    public Cookies cookies() {
        return cookies;
    }

    public Templates templates() {
        return templates;
    }

    public Assets assets() {
        return assets;
    }
}
