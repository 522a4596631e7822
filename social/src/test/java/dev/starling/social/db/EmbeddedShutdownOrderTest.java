package dev.starling.social.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On SIGTERM, the embedded PostgreSQL stops after the application's shutdown hook, not beside it: a write made by that
 * hook 1.5 s into the exit succeeds and is kept, and PostgreSQL is stopped cleanly afterwards (no pid file left). With
 * zonky's own hook, PostgreSQL stopped at once and serve's background threads failed with "terminating connection due to
 * administrator command" while serve was still stopping them.
 */
class EmbeddedShutdownOrderTest {

    @TempDir
    Path dir;

    @Test
    void postgresStopsAfterTheApplicationsHook() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), EmbeddedShutdownHolder.class.getName(),
                dir.resolve("data").toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!(Files.exists(log) && Files.readString(log).contains("READY"))) {
            assertTrue(child.isAlive() && System.nanoTime() < deadline, "the child did not start the embedded server: "
                    + (Files.exists(log) ? Files.readString(log) : ""));
            Thread.sleep(100);
        }
        child.destroy(); // SIGTERM: the shutdown hooks run
        assertTrue(child.waitFor(90, TimeUnit.SECONDS), "the child did not exit");
        List<String> output = Files.readAllLines(log);
        assertTrue(output.contains("HOOK-WROTE"), "the application's hook could not write while exiting: "
                + output.subList(Math.max(0, output.size() - 8), output.size()));
        assertFalse(Files.exists(dir.resolve("data/postgres/postmaster.pid")), "PostgreSQL was stopped cleanly (no pid file left)");
        try (EmbeddedDatabase pg = EmbeddedDatabase.start(dir.resolve("data"), 0, EmbeddedDatabase.Mode.DURABLE);
             Database db = Database.open(pg.config(2))) {
            List<String> rows = db.withConnection(c -> {
                List<String> out = new ArrayList<>();
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT v FROM survivor")) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            });
            assertEquals(List.of("written while exiting"), rows);
        }
    }
}
