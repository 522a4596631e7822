package dev.starling.server.testing;

import dev.starling.server.RouteModule;
import dev.starling.server.ServerOptions;
import dev.starling.server.Starling;
import dev.starling.server.ratelimit.RateLimits;
import dev.starling.social.db.Database;
import dev.starling.social.db.EmbeddedDatabase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Starling server on port 0 over a fresh database in the one embedded PostgreSQL of this
 * test JVM. Close it after the test class.
 */
public final class TestServer implements AutoCloseable {
    private static EmbeddedDatabase postgres;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Database database;
    private final Starling starling;
    public final Api api;

    private TestServer(Database database, Starling starling) {
        this.database = database;
        this.starling = starling;
        this.api = new Api("http://127.0.0.1:" + starling.port());
    }

    public static synchronized EmbeddedDatabase postgres() {
        if (postgres == null) {
            postgres = EmbeddedDatabase.startTemporary();
            Runtime.getRuntime().addShutdownHook(new Thread(postgres::close));
        }
        return postgres;
    }

    /** A fresh database (all migrations applied) in the shared embedded PostgreSQL. */
    public static Database freshDatabase() {
        EmbeddedDatabase pg = postgres();
        String name = "server_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        pg.createDatabaseIfMissing(name);
        return Database.open(new Database.Config(pg.jdbcUrl(name), EmbeddedDatabase.USER, null, 10));
    }

    /** Limits high enough that functional tests never meet them. */
    public static RateLimits generousLimits() {
        RateLimits.Budget big = new RateLimits.Budget(1_000_000, Duration.ofMinutes(5));
        return new RateLimits(big, big, big, big, true);
    }

    public static TestServer start() {
        return start(generousLimits(), List.of());
    }

    public static TestServer start(RateLimits limits, List<RouteModule> extra) {
        Database db = freshDatabase();
        ServerOptions options = ServerOptions.defaults().withPort(0).withRateLimits(limits);
        return new TestServer(db, Starling.start(db, options, extra));
    }

    public Database database() {
        return database;
    }

    public Starling starling() {
        return starling;
    }

    public String baseUrl() {
        return api.baseUrl;
    }

    @Override
    public void close() {
        try {
            starling.close();
        } finally {
            database.close();
        }
    }
}
