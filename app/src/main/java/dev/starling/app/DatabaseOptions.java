package dev.starling.app;

import dev.starling.social.db.Database;
import dev.starling.social.db.EmbeddedDatabase;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the data lives, shared by every command that opens the database: the embedded PostgreSQL
 * under {@code --data-dir} by default, or an external one with {@code --db-url} (or the
 * {@code STARLING_DB_URL} environment variable).
 */
public final class DatabaseOptions {
    @Option(names = "--data-dir", defaultValue = "./data", paramLabel = "DIR",
            description = "Directory of Starling's data (the embedded PostgreSQL lives in DIR/postgres). Default: ${DEFAULT-VALUE}")
    Path dataDir;

    @Option(names = "--db-url", paramLabel = "JDBC_URL", defaultValue = "${env:STARLING_DB_URL}",
            description = "Use an external PostgreSQL (jdbc:postgresql://host:port/db) instead of the embedded one. Env: STARLING_DB_URL")
    String dbUrl;

    @Option(names = "--db-user", paramLabel = "USER", defaultValue = "${env:STARLING_DB_USER}",
            description = "User for --db-url. Env: STARLING_DB_USER")
    String dbUser;

    @Option(names = "--db-password", paramLabel = "PASSWORD", defaultValue = "${env:STARLING_DB_PASSWORD}",
            description = "Password for --db-url (prefer the environment variable STARLING_DB_PASSWORD)")
    String dbPassword;

    @Option(names = "--db-pool-size", defaultValue = "20", paramLabel = "N",
            description = "Maximum database connections. Default: ${DEFAULT-VALUE}")
    int poolSize;

    /** An open database and, when embedded, the PostgreSQL process behind it; close in reverse. */
    public record Opened(Database database, EmbeddedDatabase embedded) implements AutoCloseable {
        @Override
        public void close() {
            try {
                database.close();
            } finally {
                if (embedded != null) embedded.close();
            }
        }
    }

    public Opened open() {
        if (dbUrl != null && !dbUrl.isBlank()) {
            return new Opened(Database.open(new Database.Config(dbUrl, dbUser, dbPassword, poolSize)), null);
        }
        EmbeddedDatabase embedded = EmbeddedDatabase.start(dataDir, 0, EmbeddedDatabase.Mode.DURABLE);
        try {
            return new Opened(Database.open(embedded.config(poolSize)), embedded);
        } catch (RuntimeException e) {
            embedded.close();
            throw e;
        }
    }

    public String describe() {
        return dbUrl != null && !dbUrl.isBlank() ? "external PostgreSQL " + dbUrl.replaceAll("password=[^&]*", "password=***")
                : "embedded PostgreSQL in " + dataDir.toAbsolutePath().normalize().resolve("postgres");
    }
}
