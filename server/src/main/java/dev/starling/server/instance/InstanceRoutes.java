package dev.starling.server.instance;

import dev.starling.server.RouteModule;
import dev.starling.server.ServerOptions;
import dev.starling.server.http.RouteSupport;
import dev.starling.server.oauth.Auth;
import dev.starling.social.accounts.Accounts;
import dev.starling.social.posts.Posts;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Instance information (v1 and v2), custom emojis (none: an empty list is the truth), the
 * empty lists of features Starling does not have that clients ask for at start-up (filters, lists,
 * announcements), and the (fixed) posting and reading preferences.
 */
public final class InstanceRoutes implements RouteModule {
    /** The Mastodon API level Starling follows; clients read the version to pick features. */
    public static final String VERSION = "4.3.0 (compatible; Starling 0.1.0)";

    private final RouteSupport support;
    private final ServerOptions options;
    private final Accounts accounts;
    private final Posts posts;

    public InstanceRoutes(RouteSupport support, ServerOptions options, Accounts accounts, Posts posts) {
        this.support = support;
        this.options = options;
        this.accounts = accounts;
        this.posts = posts;
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.get("/api/v1/instance", ctx -> ctx.json(v1(ctx)));
        routes.get("/api/v2/instance", ctx -> ctx.json(v2(ctx)));
        routes.get("/api/v1/custom_emojis", ctx -> ctx.json(List.of()));
        routes.get("/api/v1/filters", ctx -> ctx.json(List.of()));
        routes.get("/api/v2/filters", ctx -> ctx.json(List.of()));
        routes.get("/api/v1/lists", ctx -> ctx.json(List.of()));
        routes.get("/api/v1/instance/rules", ctx -> ctx.json(List.of()));
        routes.get("/api/v1/instance/peers", ctx -> ctx.json(List.of()));
        routes.get("/api/v1/announcements", ctx -> ctx.json(List.of()));
        routes.get("/api/v1/preferences", ctx -> {
            Auth.user(ctx, "read:accounts");
            Map<String, Object> prefs = new LinkedHashMap<>();
            prefs.put("posting:default:visibility", "public");
            prefs.put("posting:default:sensitive", false);
            prefs.put("posting:default:language", null);
            prefs.put("reading:expand:media", "default");
            prefs.put("reading:expand:spoilers", false);
            ctx.json(prefs);
        });
    }

    private String domain(Context ctx) {
        URI u = URI.create(support.baseUrl(ctx));
        return u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
    }

    private Map<String, Object> statusesConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_characters", options.maxPostChars());
        m.put("max_media_attachments", 0);
        m.put("characters_reserved_per_url", 23);
        return m;
    }

    private static Map<String, Object> mediaConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("supported_mime_types", List.of());
        m.put("image_size_limit", 0);
        m.put("image_matrix_limit", 0);
        m.put("video_size_limit", 0);
        m.put("video_frame_rate_limit", 0);
        m.put("video_matrix_limit", 0);
        return m;
    }

    private static Map<String, Object> pollsConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_options", 0);
        m.put("max_characters_per_option", 0);
        m.put("min_expiration", 0);
        m.put("max_expiration", 0);
        return m;
    }

    private Map<String, Object> v1(Context ctx) {
        String base = support.baseUrl(ctx);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uri", domain(ctx));
        m.put("title", options.title());
        m.put("short_description", "A self-hostable microblogging network with its own generative AI.");
        m.put("description", "A self-hostable microblogging network with its own generative AI.");
        m.put("email", "");
        m.put("version", VERSION);
        m.put("urls", Map.of("streaming_api", base.replaceFirst("^http", "ws")));
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("user_count", accounts.count());
        stats.put("status_count", posts.count());
        stats.put("domain_count", 0);
        m.put("stats", stats);
        m.put("thumbnail", null);
        m.put("languages", List.of("en"));
        m.put("registrations", true);
        m.put("approval_required", false);
        m.put("invites_enabled", false);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("accounts", Map.of("max_featured_tags", 0));
        config.put("statuses", statusesConfig());
        config.put("media_attachments", mediaConfig());
        config.put("polls", pollsConfig());
        m.put("configuration", config);
        m.put("contact_account", null);
        m.put("rules", List.of());
        return m;
    }

    private Map<String, Object> v2(Context ctx) {
        String base = support.baseUrl(ctx);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("domain", domain(ctx));
        m.put("title", options.title());
        m.put("version", VERSION);
        m.put("source_url", "https://github.com/starling");
        m.put("description", "A self-hostable microblogging network with its own generative AI.");
        m.put("usage", Map.of("users", Map.of("active_month", accounts.count())));
        Map<String, Object> thumbnail = new LinkedHashMap<>();
        thumbnail.put("url", base + "/thumbnail.png");
        m.put("thumbnail", thumbnail);
        m.put("icon", List.of());
        m.put("languages", List.of("en"));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("urls", Map.of("streaming", base.replaceFirst("^http", "ws")));
        config.put("vapid", Map.of("public_key", ""));
        Map<String, Object> accountsConfig = new LinkedHashMap<>();
        accountsConfig.put("max_featured_tags", 0);
        accountsConfig.put("max_pinned_statuses", 0);
        config.put("accounts", accountsConfig);
        config.put("statuses", statusesConfig());
        config.put("media_attachments", mediaConfig());
        config.put("polls", pollsConfig());
        config.put("translation", Map.of("enabled", false));
        m.put("configuration", config);
        Map<String, Object> registrations = new LinkedHashMap<>();
        registrations.put("enabled", true);
        registrations.put("approval_required", false);
        registrations.put("message", null);
        registrations.put("url", null);
        m.put("registrations", registrations);
        Map<String, Object> contact = new LinkedHashMap<>();
        contact.put("email", "");
        contact.put("account", null);
        m.put("contact", contact);
        m.put("rules", List.of());
        m.put("api_versions", Map.of("mastodon", 2));
        return m;
    }
}
