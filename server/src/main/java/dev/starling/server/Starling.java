package dev.starling.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.starling.server.accounts.AccountRoutes;
import dev.starling.server.accounts.SignUpRoutes;
import dev.starling.server.health.HealthRoutes;
import dev.starling.server.http.RouteSupport;
import dev.starling.server.statuses.IdempotencyKeys;
import dev.starling.server.statuses.StatusRoutes;
import dev.starling.social.posts.PostText;
import dev.starling.social.posts.Posts;
import dev.starling.social.relationships.Relationships;
import dev.starling.server.http.Json;
import dev.starling.server.metrics.Metrics;
import dev.starling.server.oauth.Authenticator;
import dev.starling.server.oauth.OAuthRoutes;
import dev.starling.server.oauth.OAuthStore;
import dev.starling.server.ratelimit.RateLimiter;
import dev.starling.social.accounts.Accounts;
import dev.starling.social.auth.Passwords;
import dev.starling.social.db.Database;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Wires the whole HTTP server over one {@link Database}: the social services, OAuth, the Mastodon
 * client API, health and metrics, plus any extra {@link RouteModule}s (e.g. the OpenAI-compatible
 * API). This is what {@code starling serve} and the HTTP tests start.
 */
public final class Starling implements AutoCloseable {
    private final StarlingServer server;
    private final Metrics metrics;
    private final Services services;

    /** The domain services the routes use, built once per database. */
    public record Services(Database database, Accounts accounts, Posts posts, Relationships relationships, OAuthStore oauth) {
        public static Services over(Database db, Clock clock, int maxPostChars) {
            return new Services(db, new Accounts(db, new Passwords(), clock), new Posts(db, new PostText(maxPostChars), clock),
                    new Relationships(db, clock), new OAuthStore(db.dataSource()));
        }
    }

    private Starling(StarlingServer server, Metrics metrics, Services services) {
        this.server = server;
        this.metrics = metrics;
        this.services = services;
    }

    public static Starling start(Database db, ServerOptions options, List<RouteModule> extraModules) {
        Clock clock = Clock.systemUTC();
        Services services = Services.over(db, clock, options.maxPostChars());
        ObjectMapper mapper = Json.newMapper();
        Metrics metrics = new Metrics();
        registerPoolMetrics(metrics, db);
        RateLimiter limiter = new RateLimiter(clock);
        Authenticator authenticator = new Authenticator(services.oauth(), limiter, options.rateLimits());
        List<RouteModule> modules = new ArrayList<>();
        modules.add(new HealthRoutes(db.dataSource(), metrics));
        modules.add(new OAuthRoutes(services.oauth(), services.accounts(), authenticator, mapper));
        RouteSupport support = new RouteSupport(mapper, options.publicBaseUrl());
        modules.add(new SignUpRoutes(support, services.accounts(), services.oauth(), authenticator));
        modules.add(new AccountRoutes(support, services.accounts(), services.relationships()));
        modules.add(new StatusRoutes(support, services.posts(), new IdempotencyKeys(db.dataSource())));
        modules.addAll(extraModules);
        StarlingServer server = StarlingServer.start(options.host(), options.port(), options.maxBodyBytes(), mapper, metrics, authenticator, modules);
        return new Starling(server, metrics, services);
    }

    private static void registerPoolMetrics(Metrics metrics, Database db) {
        HikariDataSource pool = db.hikari();
        metrics.gauge("hikaricp.connections.active", "Connections in use", () -> bean(pool) == null ? null : bean(pool).getActiveConnections());
        metrics.gauge("hikaricp.connections.idle", "Idle connections", () -> bean(pool) == null ? null : bean(pool).getIdleConnections());
        metrics.gauge("hikaricp.connections", "All connections", () -> bean(pool) == null ? null : bean(pool).getTotalConnections());
        metrics.gauge("hikaricp.connections.pending", "Threads waiting for a connection", () -> bean(pool) == null ? null : bean(pool).getThreadsAwaitingConnection());
        metrics.gauge("hikaricp.connections.max", "Maximum pool size", pool::getMaximumPoolSize);
    }

    private static HikariPoolMXBean bean(HikariDataSource pool) {
        return pool.isClosed() ? null : pool.getHikariPoolMXBean();
    }

    public int port() {
        return server.port();
    }

    public Metrics metrics() {
        return metrics;
    }

    public Services services() {
        return services;
    }

    /** Stops accepting requests and finishes the ones in flight; the database stays open (its owner closes it). */
    @Override
    public void close() {
        server.stop();
    }
}
