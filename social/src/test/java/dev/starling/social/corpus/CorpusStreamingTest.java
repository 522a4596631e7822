package dev.starling.social.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.db.Database;
import dev.starling.social.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The corpus streams: a child JVM with a {@value #HEAP} heap reads a corpus several times larger
 * than its heap, and a control child that keeps the texts runs out of memory on the same data
 * (so the heap is really too small to hold the corpus). The 1M-post variant is a benchmark
 * ({@code -Dstarling.bench=true}).
 */
class CorpusStreamingTest {

    static final String HEAP = "-Xmx40m";
    static final int CONTROL_RUNS = 8;
    static final long CHILD_TIMEOUT_SECONDS = 120;

    @Test
    void aCorpusLargerThanTheHeapStreams() throws Exception {
        int posts = 20_000;
        int chars = 3_000; // 60 MB of text against a 40 MB heap
        try (Database db = TestDatabase.fresh("corpus_stream", 2)) {
            long t0 = System.nanoTime();
            fill(db, 50, posts, chars);
            System.out.printf("filled in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            String url = TestDatabase.server().jdbcUrl(databaseName(db));
            Child ok = child(url, "stream");
            assertEquals(0, ok.exit, ok.output);
            String[] f = ok.streamed().split(" ");
            assertEquals(posts, Long.parseLong(f[1]), ok.output);
            assertEquals((long) posts * chars, Long.parseLong(f[2]), ok.output);
            System.out.printf("streamed %d posts (%d MB of text) in %s ms with a max heap of %d MB%n", posts,
                    (long) posts * chars / 1_000_000, f[3], Long.parseLong(f[4]) / 1_000_000);

            // The control runs out of memory, sometimes while the driver is part-way through a batch of
            // rows; the snapshot must then abort its connection, not wait forever on a rollback over a
            // stream it lost its place in (that hung about one control in seven before the fix).
            for (int i = 0; i < CONTROL_RUNS; i++) {
                Child control = child(url, "collect");
                assertNotEquals(0, control.exit, "the control kept every text in " + HEAP + " and did not fail: " + control.output);
                assertTrue(control.output.contains("OutOfMemoryError"), control.output);
            }
        }
    }

    /** Benchmark: 1M posts of ~140 chars streamed by a child with the same small heap. */
    @Test
    void millionPostsBench() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("starling.bench"), "benchmark: run with -Dstarling.bench=true");
        int posts = 1_000_000;
        try (Database db = TestDatabase.fresh("corpus_bench", 2)) {
            long t0 = System.nanoTime();
            fill(db, 1000, posts, 140);
            System.out.printf("filled %d posts in %d ms%n", posts, (System.nanoTime() - t0) / 1_000_000);
            long t1 = System.nanoTime();
            CorpusManifest m = new TrainingCorpus(db).manifest();
            System.out.printf("manifest in %d ms: %s%n", (System.nanoTime() - t1) / 1_000_000, m.toJson());
            Child ok = child(TestDatabase.server().jdbcUrl(databaseName(db)), "stream");
            assertEquals(0, ok.exit, ok.output);
            String[] f = ok.streamed().split(" ");
            System.out.printf("streamed %s posts in %s ms (%.0f posts/s) with a max heap of %d MB%n", f[1], f[3],
                    Long.parseLong(f[1]) * 1000.0 / Long.parseLong(f[3]), Long.parseLong(f[4]) / 1_000_000);
        }
    }

    /**
     * {@code posts} public posts of {@code chars} characters by {@code accounts} consenting accounts
     * (ids 1..accounts), and a tenth as many posts by one account that does not consent, in bulk.
     */
    static void fill(Database db, int accounts, int posts, int chars) {
        db.withConnection(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("INSERT INTO accounts (id, username, email, ai_training_consent)"
                        + " SELECT g, 'bulk' || g, 'bulk' || g || '@example.org', g <= " + accounts + " FROM generate_series(1, " + (accounts + 1) + ") g");
                st.execute("INSERT INTO posts (id, author_id, text, visibility, created_at)"
                        + " SELECT g, 1 + g % " + accounts + ", rpad(g::text || ' ', " + chars + ", 'abcdefghij'), 0, now()"
                        + " FROM generate_series(1, " + posts + ") g");
                st.execute("INSERT INTO posts (id, author_id, text, visibility, created_at)"
                        + " SELECT " + posts + " + g, " + (accounts + 1) + ", 'not consenting ' || g, 0, now()"
                        + " FROM generate_series(1, " + Math.max(1, posts / 10) + ") g");
                st.execute("ANALYZE accounts");
                st.execute("ANALYZE posts");
            }
            return null;
        });
    }

    static String databaseName(Database db) {
        return db.withConnection(c -> {
            try (Statement st = c.createStatement(); var rs = st.executeQuery("SELECT current_database()")) {
                rs.next();
                return rs.getString(1);
            }
        });
    }

    record Child(int exit, String output) {
        String streamed() {
            return output.lines().filter(l -> l.startsWith("STREAMED ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no STREAMED line in: " + output));
        }
    }

    static Child child(String url, String mode) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, HEAP, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                CorpusStreamChild.class.getName(), url, mode));
        Path log = Files.createTempFile("corpus-child-", ".log");
        try {
            // Output goes to a file, so the wait below is bounded even if the child never closes it.
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("the " + mode + " child did not finish in " + CHILD_TIMEOUT_SECONDS + " s: "
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Child(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
