package dev.starling.social.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded server keeps its data across restarts and recovers after its JVM is killed with SIGKILL. */
class EmbeddedDatabaseTest {

    @TempDir
    Path dir;

    @Test
    void dataSurvivesRestartAndKillNine() throws Exception {
        // 1. A child JVM starts the server, writes, and is killed with SIGKILL (its postmaster stays orphaned).
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), EmbeddedHolder.class.getName(),
                dir.toString(), "first").redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean ready = false;
            while ((line = out.readLine()) != null) {
                if (line.contains("READY")) {
                    ready = true;
                    break;
                }
            }
            assertTrue(ready, "child did not start the embedded server");
        }
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertTrue(Files.exists(dir.resolve("postgres/postmaster.pid")), "the orphaned postmaster still holds its pid file");
        long orphan = Long.parseLong(Files.readAllLines(dir.resolve("postgres/postmaster.pid")).getFirst().trim());
        assertTrue(EmbeddedDatabase.runsIn(ProcessHandle.of(orphan).orElseThrow(), dir.resolve("postgres")), "recognised as our postmaster");
        assertTrue(!EmbeddedDatabase.runsIn(ProcessHandle.current(), dir.resolve("postgres")), "this JVM is not a postmaster of the cluster");

        // 2. Starting again on the same data dir stops the orphan and reuses the cluster.
        try (EmbeddedDatabase pg = EmbeddedDatabase.start(dir, 0, EmbeddedDatabase.Mode.DURABLE);
             Database db = Database.open(pg.config(2))) {
            assertEquals(List.of("first"), values(db));
            db.withConnection(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("INSERT INTO survivor VALUES ('second')");
                }
                return null;
            });
        }
        // 3. A clean stop and restart keeps everything.
        try (EmbeddedDatabase pg = EmbeddedDatabase.start(dir, 0, EmbeddedDatabase.Mode.DURABLE);
             Database db = Database.open(pg.config(2))) {
            assertEquals(List.of("first", "second"), values(db));
            assertEquals("on", show(db, "fsync"), "durable mode overrides zonky's -F");
            assertEquals("on", show(db, "synchronous_commit"));
            // Locked down: the password lives in a file only the owner can read, and is required.
            Path pwFile = dir.resolve("postgres.password");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pwFile)));
            assertEquals(pg.password().orElseThrow(), Files.readString(pwFile).strip());
            SQLException refused = assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(pg.jdbcUrl(), EmbeddedDatabase.USER, "wrong").close());
            assertTrue(refused.getMessage().contains("password"), refused.getMessage());
            assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(pg.jdbcUrl()).close());
        }
    }

    @Test
    void stalePidFileOfADeadProcessIsRemoved() throws Exception {
        Path cluster = dir.resolve("postgres");
        Files.createDirectories(cluster);
        // A pid that is certainly not running: a finished child process.
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        Files.writeString(cluster.resolve("postmaster.pid"), p.pid() + "\n" + cluster + "\n");
        EmbeddedDatabase.stopOrphanedPostmaster(cluster);
        assertTrue(Files.notExists(cluster.resolve("postmaster.pid")));
    }

    private static String show(Database db, String setting) {
        return db.withConnection(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW " + setting)) {
                rs.next();
                return rs.getString(1);
            }
        });
    }

    private static List<String> values(Database db) {
        return db.withConnection(c -> {
            List<String> out = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT v FROM survivor ORDER BY v")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

}
