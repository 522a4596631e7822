package dev.starling.social.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.db.Database;
import dev.starling.social.db.EmbeddedDatabase;
import dev.starling.social.posts.NewPost;
import dev.starling.social.testing.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Domain-level write throughput with durable commits (embedded cluster in DURABLE mode: fsync on,
 * synchronous_commit on): {@code -Dbench.threads} threads (default 16) create
 * {@code -Dbench.writes} posts (default 10,000) through {@code Posts.create}, each its own
 * transaction with its outbox row. Runs only with {@code -Dstarling.bench=true};
 * {@code -Dbench.noChangeTriggers=true} disables migration V6's change-log triggers, for A/B runs.
 */
class PostWriteBenchTest {

    @TempDir
    Path dir;

    @Test
    void durablePostCreationThroughput() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("starling.bench"), "benchmark: run with -Dstarling.bench=true");
        int threads = Integer.getInteger("bench.threads", 16);
        int writes = Integer.getInteger("bench.writes", 10_000);
        try (EmbeddedDatabase pg = EmbeddedDatabase.start(dir, 0, EmbeddedDatabase.Mode.DURABLE);
             Database db = Database.open(pg.config(threads + 2))) {
            if (Boolean.getBoolean("bench.noChangeTriggers")) {
                // For A/B: the same writes without migration V6's change log rows.
                db.withConnection(c -> {
                    List<String> alters = new ArrayList<>();
                    try (var st = c.createStatement();
                         var rs = st.executeQuery("SELECT tgrelid::regclass, tgname FROM pg_trigger WHERE tgname LIKE '%\\_changes\\_%'")) {
                        while (rs.next()) {
                            alters.add("ALTER TABLE " + rs.getString(1) + " DISABLE TRIGGER " + rs.getString(2));
                        }
                    }
                    try (var st = c.createStatement()) {
                        for (String a : alters) {
                            st.execute(a);
                        }
                    }
                    System.out.println("change triggers disabled: " + alters.size());
                    return null;
                });
            }
            Social social = TestDatabase.social(db);
            List<Account> authors = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                authors.add(social.accounts().createWithoutPassword("writer" + i, "writer" + i + "@example.org", "", false).orThrow());
            }
            AtomicLong next = new AtomicLong();
            long[] latencies = new long[writes];
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long t0 = System.nanoTime();
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Account a = authors.get(t);
                fs.add(pool.submit(() -> {
                    long i;
                    while ((i = next.getAndIncrement()) < writes) {
                        long s = System.nanoTime();
                        social.posts().create(a.id(), NewPost.of("durable post " + i + " #bench with @writer0")).orThrow();
                        latencies[(int) i] = System.nanoTime() - s;
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            pool.shutdown();
            java.util.Arrays.sort(latencies);
            System.out.printf("durable post creation: %d posts, %d threads, %.0f posts/s, p50 %.2f ms, p99 %.2f ms%n", writes, threads,
                    writes / seconds, latencies[writes / 2] / 1e6, latencies[(int) (writes * 0.99)] / 1e6);
            assertEquals(writes, social.posts().count());
        }
    }
}
