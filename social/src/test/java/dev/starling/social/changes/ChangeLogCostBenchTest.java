package dev.starling.social.changes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.PostWriter;
import dev.starling.social.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What the change log costs PostgreSQL, measured in PostgreSQL's own CPU time (the backend
 * process's utime + stime from /proc, so the JVM and loopback are not counted). Runs only with
 * {@code -Dstarling.bench=true}.
 *
 * <ul>
 *   <li>Per post: one connection writes posts as the API does ({@link PostWriter#insert}, one
 *       transaction each, fsync off: CPU, not the disk), in alternating rounds with the change-log
 *       triggers enabled and disabled; the difference is what the triggers cost per post.</li>
 *   <li>Per poll: the change feed's poll statement against a log holding {@code -Dbench.logRows}
 *       rows (default 150,000: a minute of durable post creation), written the way writers write it
 *       (ascending transaction ids, old rows deleted as the feed deletes them), asking for the newest
 *       250 rows (a 100 ms poll at 1,250 posts/s).</li>
 * </ul>
 */
class ChangeLogCostBenchTest {

    private static final int ROUNDS = 4;

    @Test
    void triggerCpuPerPost() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("starling.bench"), "benchmark: run with -Dstarling.bench=true");
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs /proc to read PostgreSQL's CPU time");
        int posts = Integer.getInteger("bench.posts", 3_000);
        try (Database db = TestDatabase.fresh("change_log_cost", 2)) {
            DataSource ds = db.dataSource();
            long author;
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("INSERT INTO accounts (id, username, email, created_at) VALUES (1, 'writer', 'w@x', now()), (2, 'other', 'o@x', now())");
                author = 1;
            }
            List<String> triggers = new ArrayList<>();
            try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT tgrelid::regclass, tgname FROM pg_trigger WHERE tgname LIKE '%\\_changes\\_%'")) {
                while (rs.next()) {
                    triggers.add(rs.getString(1) + " " + rs.getString(2));
                }
            }
            try (Connection c = ds.getConnection()) {
                int backend = backendPid(c);
                write(c, author, 500, "warm-up"); // plans cached, JIT warm
                List<String> counters = triggers.stream().filter(t -> t.contains("stats")).toList();
                double[] on = new double[ROUNDS];
                double[] noCounters = new double[ROUNDS];
                double[] off = new double[ROUNDS];
                for (int r = 0; r < ROUNDS; r++) {
                    setTriggers(c, triggers, true);
                    on[r] = cpuMicrosPerPost(c, backend, author, posts);
                    setTriggers(c, counters, false);
                    noCounters[r] = cpuMicrosPerPost(c, backend, author, posts);
                    setTriggers(c, triggers, false);
                    off[r] = cpuMicrosPerPost(c, backend, author, posts);
                }
                setTriggers(c, triggers, true);
                System.out.printf("change log cost: PostgreSQL CPU per post, %d posts per round; all change triggers on / the counter"
                        + " tables' (%s) off / all off:%n", posts, counters);
                for (int r = 0; r < ROUNDS; r++) {
                    System.out.printf("  round %d: %.1f / %.1f / %.1f us (triggers %.1f us)%n", r + 1, on[r], noCounters[r], off[r], on[r] - off[r]);
                }
                System.out.printf("  load average %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
                assertTrue(on[ROUNDS - 1] > 0 && off[ROUNDS - 1] > 0);
            }
        }
    }

    @Test
    void pollCostAgainstAFullLog() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("starling.bench"), "benchmark: run with -Dstarling.bench=true");
        int rows = Integer.getInteger("bench.logRows", 150_000);
        try (Database db = TestDatabase.fresh("change_log_poll", 2)) {
            try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
                long base;
                try (ResultSet rs = st.executeQuery("SELECT pg_current_xact_id()::text::bigint")) {
                    rs.next();
                    base = rs.getLong(1);
                }
                // Two minutes of writing in 10 s steps, the older minute deleted as the feed deletes it, then vacuumed.
                int step = rows / 6;
                long tx = base - 2L * rows - 10;
                for (int s = 0; s < 12; s++) {
                    st.execute("INSERT INTO change_log (tx, entries) SELECT " + tx + " + g / 2, 'P,' || g || ',1,0' FROM generate_series(0, " + (2 * step - 1) + ") g");
                    tx += step;
                    if (s >= 6) {
                        st.execute("DELETE FROM change_log WHERE tx < " + (tx - rows));
                    }
                    if (s % 3 == 2) {
                        st.execute("VACUUM change_log");
                    }
                }
                st.execute("ANALYZE change_log");
                long low = tx - 125;
                try (ResultSet rs = st.executeQuery("SELECT count(*), count(*) FILTER (WHERE tx >= " + low + ") FROM change_log")) {
                    rs.next();
                    System.out.printf("change log poll: %d rows in the log, %d at or above the poll's xmin%n", rs.getLong(1), rs.getLong(2));
                }
                try (ResultSet rs = st.executeQuery("SELECT indexdef FROM pg_indexes WHERE tablename = 'change_log'")) {
                    while (rs.next()) {
                        System.out.println("  index: " + rs.getString(1));
                    }
                }
                String poll = "SELECT s.xmin, c.seq, c.tx, c.entries"
                        + " FROM (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin) s"
                        + " LEFT JOIN change_log c ON c.tx >= ? ORDER BY c.seq";
                try (PreparedStatement ps = c.prepareStatement(poll)) {
                    for (int i = 0; i < 20; i++) {
                        run(ps, low); // prepared on the server after 5 runs
                    }
                    int n = 200;
                    long t0 = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        run(ps, low);
                    }
                    System.out.printf("  poll: %.3f ms each (%d polls, wall, one connection)%n", (System.nanoTime() - t0) / 1e6 / n, n);
                }
                try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + poll.replace("?", Long.toString(low)));
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        System.out.println("  " + rs.getString(1));
                    }
                }
            }
        }
    }

    private static void run(PreparedStatement ps, long low) throws SQLException {
        ps.setLong(1, low);
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rs.getString(4);
            }
        }
    }

    private static double cpuMicrosPerPost(Connection c, int backend, long author, int posts) throws Exception {
        long t0 = cpuTicks(backend);
        write(c, author, posts, "measured");
        long t1 = cpuTicks(backend);
        return (t1 - t0) * 1e6 / ticksPerSecond() / posts;
    }

    private static void write(Connection c, long author, int posts, String label) throws SQLException {
        c.setAutoCommit(false);
        try {
            for (int i = 0; i < posts; i++) {
                PostWriter.insert(c, author, NewPost.of(label + " post " + i), Instant.now()).orThrow();
                c.commit();
            }
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static void setTriggers(Connection c, List<String> triggers, boolean enabled) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String t : triggers) {
                String[] tableAndName = t.split(" ");
                st.execute("ALTER TABLE " + tableAndName[0] + (enabled ? " ENABLE" : " DISABLE") + " TRIGGER " + tableAndName[1]);
            }
        }
    }

    private static int backendPid(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
    private static long cpuTicks(int pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long ticksPerSecond() {
        return 100; // USER_HZ on Linux
    }
}
