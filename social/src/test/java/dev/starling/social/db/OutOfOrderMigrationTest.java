package dev.starling.social.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.starling.social.testing.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database created before social's V3 existed, but after another module's V100 was applied
 * (the situation of every instance that ran the server before V3 shipped), still gets V3:
 * {@link Database#migrate} runs Flyway out of order. Plain Flyway refuses, which is why.
 */
class OutOfOrderMigrationTest {

    @TempDir
    Path dir;

    @Test
    void v3IsAppliedAfterV100() throws Exception {
        // The history of an older instance: social V1, V2 (byte-identical copies, so checksums match) and a later module's V100.
        copyFromClasspath("V1__social_schema.sql");
        copyFromClasspath("V2__counters.sql");
        Files.writeString(dir.resolve("V100__later_module.sql"), "CREATE TABLE later_module_marker (id int);\n");

        EmbeddedDatabase server = TestDatabase.server();
        String name = "t_out_of_order_" + System.nanoTime();
        server.createDatabaseIfMissing(name);
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(server.jdbcUrl(name));
        hc.setUsername(EmbeddedDatabase.USER);
        hc.setMaximumPoolSize(2);
        try (HikariDataSource ds = new HikariDataSource(hc)) { // not Database.open, which would migrate
            Flyway.configure().dataSource(ds).locations("filesystem:" + dir).load().migrate();
            assertEquals(List.of("1", "2", "100"), appliedVersions(ds));
            assertFalse(hasColumn(ds, "role"), "V3 not applied yet");

            // Without out-of-order, Flyway rejects the database: V3 sorts below the applied V100.
            FlywayException refused = assertThrows(FlywayException.class, () ->
                    Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate());
            assertTrue(refused.getMessage().contains("3"), refused.getMessage());
            assertFalse(hasColumn(ds, "role"));

            Database.migrate(ds);
            List<String> applied = appliedVersions(ds);
            assertTrue(applied.containsAll(List.of("1", "2", "3", "100")), "applied: " + applied);
            assertTrue(hasColumn(ds, "role"));
            assertTrue(hasColumn(ds, "training_consent_changed_at"));
            // Migrating again is a no-op, and the later module's table is still there.
            Database.migrate(ds);
            assertEquals(applied, appliedVersions(ds));
            assertEquals(List.of(), query(ds, "SELECT id::text FROM later_module_marker", null));
        }
    }

    private void copyFromClasspath(String file) throws IOException {
        try (InputStream in = Database.class.getResourceAsStream("/db/migration/" + file)) {
            if (in == null) {
                throw new IOException("migration " + file + " not on the classpath");
            }
            Files.copy(in, dir.resolve(file));
        }
    }

    private static List<String> appliedVersions(DataSource ds) throws SQLException {
        return query(ds, "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank", null);
    }

    private static boolean hasColumn(DataSource ds, String column) throws SQLException {
        return !query(ds, "SELECT column_name::text FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = ?", column).isEmpty();
    }

    private static List<String> query(DataSource ds, String sql, String arg) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg != null) {
                ps.setString(1, arg);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
