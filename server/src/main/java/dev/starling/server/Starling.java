package dev.starling.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.starling.server.accounts.AccountRoutes;
import dev.starling.server.accounts.FollowRequestCount;
import dev.starling.server.accounts.SignUpRoutes;
import dev.starling.server.health.HealthRoutes;
import dev.starling.server.http.Json;
import dev.starling.server.http.RouteSupport;
import dev.starling.server.instance.InstanceRoutes;
import dev.starling.server.media.PlaceholderImages;
import dev.starling.server.metrics.Metrics;
import dev.starling.server.notifications.NotificationRoutes;
import dev.starling.server.oauth.Authenticator;
import dev.starling.server.oauth.OAuthRoutes;
import dev.starling.server.oauth.OAuthStore;
import dev.starling.server.oauth.WebSignUpRoutes;
import dev.starling.server.ratelimit.RateLimiter;
import dev.starling.server.statuses.IdempotencyKeys;
import dev.starling.server.statuses.StatusAccounts;
import dev.starling.server.statuses.StatusRoutes;
import dev.starling.server.timelines.TimelineRoutes;
import dev.starling.server.web.Web;
import dev.starling.server.web.WebFeature;
import dev.starling.server.web.WebModule;
import dev.starling.server.web.session.WebSessions;
import dev.starling.server.web.shell.Assets;
import dev.starling.server.web.shell.Templates;
import dev.starling.social.Social;
import dev.starling.social.db.Database;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Wires the whole HTTP server over one {@link Database}: the social services, OAuth, the Mastodon
 * client API, health and metrics, plus any extra {@link RouteModule}s (e.g. the OpenAI-compatible
 * API in {@code dev.starling.server.openai}). This is what {@code starling serve} and the HTTP
 * tests start.
 *
 * <pre>{@code
 * try (Starling s = Starling.start(db, ServerOptions.defaults().withPort(0), List.of(myModule))) {
 *     int port = s.port();
 * }
 * }</pre>
 */
public final class Starling implements AutoCloseable {
    /** The outbox consumers whose lag /metrics reports (gauge starling_outbox_lag{consumer=...}). */
    private final StarlingServer server;
    private final Metrics metrics;
    private final Social social;
    private final OAuthStore oauth;
    private final Web web;

    private Starling(StarlingServer server, Metrics metrics, Social social, OAuthStore oauth, Web web) {
        this.server = server;
        this.metrics = metrics;
        this.social = social;
        this.oauth = oauth;
        this.web = web;
    }

    public static Starling start(Database db, ServerOptions options, List<RouteModule> extraModules) {
        Social social = Social.create(db, Social.Settings.defaults().withMaxPostWeightedLength(options.maxPostChars()));
        return start(social, options, extraModules);
    }

    public static Starling start(Social social, ServerOptions options, List<RouteModule> extraModules) {
        return start(social, options, extraModules, List.of());
    }

    /**
     * As {@link #start(Social, ServerOptions, List)}, plus web app pages built on the server's
     * {@link Web} (search, Ask, settings, admin; see {@code dev.starling.server.web}).
     */
    public static Starling start(Social social, ServerOptions options, List<RouteModule> extraModules, List<WebFeature> webFeatures) {
        Database db = social.database();
        Clock clock = Clock.systemUTC();
        OAuthStore oauth = new OAuthStore(db.dataSource());
        ObjectMapper mapper = Json.newMapper();
        Metrics metrics = new Metrics();
        registerPoolMetrics(metrics, db);
        registerOutboxMetrics(metrics, social);
        RateLimiter limiter = new RateLimiter(clock);
        Authenticator authenticator = new Authenticator(oauth, limiter, options.rateLimits());
        RouteSupport support = new RouteSupport(mapper, options.publicBaseUrl());
        List<RouteModule> modules = new ArrayList<>();
        // Timelines first: Javalin tries a request's path against the endpoints of its method in the order they were
        // registered, a regex each, and home is the busiest read (no other module has a path its patterns match).
        modules.add(new TimelineRoutes(support, social.timelines(), social.posts(), social.accounts()));
        modules.add(new HealthRoutes(db.dataSource(), metrics));
        modules.add(new OAuthRoutes(oauth, social.accounts(), authenticator, mapper));
        modules.add(new WebSignUpRoutes(social.accounts(), authenticator, mapper));
        modules.add(new SignUpRoutes(support, social.accounts(), oauth, authenticator));
        modules.add(new AccountRoutes(support, social.accounts(), social.relationships(), new FollowRequestCount(db)));
        modules.add(new StatusRoutes(support, social.posts(), new IdempotencyKeys(db.dataSource()), new StatusAccounts(db)));
        modules.add(new NotificationRoutes(support, social.notifications(), social.accounts(), social.posts()));
        modules.add(new InstanceRoutes(support, options, social.accounts(), social.posts()));
        modules.add(new PlaceholderImages());
        Web web = new Web(social, options, new WebSessions(db, clock), new Templates(), Assets.load(Starling.class.getClassLoader()));
        modules.add(new WebModule(web, authenticator, webFeatures));
        modules.addAll(extraModules);
        StarlingServer server = StarlingServer.start(options.host(), options.port(), options.maxBodyBytes(), mapper, metrics, authenticator, modules);
        return new Starling(server, metrics, social, oauth, web);
    }

    private static void registerPoolMetrics(Metrics metrics, Database db) {
        HikariDataSource pool = db.hikari();
        Function<Function<HikariPoolMXBean, Integer>, java.util.function.Supplier<Number>> read =
                f -> () -> pool.isClosed() || pool.getHikariPoolMXBean() == null ? null : f.apply(pool.getHikariPoolMXBean());
        metrics.gauge("hikaricp.connections.active", "Connections in use", read.apply(HikariPoolMXBean::getActiveConnections));
        metrics.gauge("hikaricp.connections.idle", "Idle connections", read.apply(HikariPoolMXBean::getIdleConnections));
        metrics.gauge("hikaricp.connections", "All connections", read.apply(HikariPoolMXBean::getTotalConnections));
        metrics.gauge("hikaricp.connections.pending", "Threads waiting for a connection", read.apply(HikariPoolMXBean::getThreadsAwaitingConnection));
        metrics.gauge("hikaricp.connections.max", "Maximum pool size", pool::getMaximumPoolSize);
    }

    /** Outbox lag: events not yet checkpointed, per consumer (max over consumers), and the head position. */
    private static void registerOutboxMetrics(Metrics metrics, Social social) {
        metrics.gauge("starling.outbox.lag.events", "Outbox events not yet processed by the slowest consumer", () -> {
            Map<String, Long> lags = social.outbox().lags();
            return lags.values().stream().mapToLong(Long::longValue).max().orElse(0);
        });
        metrics.gauge("starling.outbox.head.position", "Highest sealed outbox position", () -> social.outbox().head());
    }

    public int port() {
        return server.port();
    }

    public Metrics metrics() {
        return metrics;
    }

    public Social social() {
        return social;
    }

    public OAuthStore oauth() {
        return oauth;
    }

    /** The web app's toolkit (sessions, CSRF, rendering). */
    public Web web() {
        return web;
    }

    /** Stops accepting requests and finishes the ones in flight; the database stays open (its owner closes it). */
    @Override
    public void close() {
        server.stop();
    }
}
