package dev.starling.social.timelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.starling.social.Social;
import dev.starling.social.bench.SyntheticNetwork;
import dev.starling.social.common.Page;
import dev.starling.social.common.Slice;
import dev.starling.social.db.Database;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostCache;
import dev.starling.social.testing.TestDatabase;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not a timed test; runs only with {@code -Dstarling.bench=true}): the home timeline's first
 * page (and the page after it) decided in memory ({@link MemoryHome}) against the same feeds with the
 * verdict in SQL (today's path), in one run on one generated network (default the size: 10,000
 * accounts x 100 follows x 1,000,000 posts; {@code -Dbench.accounts/follows/posts/viewers/rounds}).
 * Every sampled viewer's first and second pages are first checked equal both ways. Then rounds alternate
 * over the same viewers' first pages, single-threaded: home with the SQL verdict, home from memory, and
 * each with the hydration of the page ({@code Posts.viewsUncached} through SQL, {@code Posts.views}
 * from the services' caches); they print per page: wall time, this thread's CPU, the JVM process's CPU,
 * PostgreSQL's CPU (its backends for this database, from /proc), and pool connections taken (each is
 * at least one round trip), beside the load average. Last, whole pages from memory on
 * {@code -Dbench.threads} threads (default 4) at once: throughput and process CPU per page.
 */
class MemoryHomeBenchTest {

    @Test
    void memoryAgainstSqlVerdict() throws IOException {
        Assumptions.assumeTrue(Boolean.getBoolean("starling.bench"), "benchmark: run with -Dstarling.bench=true");
        SyntheticNetwork.Spec spec = new SyntheticNetwork.Spec(Integer.getInteger("bench.accounts", 10_000),
                Integer.getInteger("bench.follows", 100), Integer.getInteger("bench.posts", 1_000_000), 30);
        int sampled = Integer.getInteger("bench.viewers", 2_000);
        int rounds = Integer.getInteger("bench.rounds", 4);
        try (Database db = TestDatabase.fresh("memhomebench", 4)) {
            SyntheticNetwork.Result net = SyntheticNetwork.generate(db, spec);
            System.out.printf("generated %d accounts, %d follows, %d posts in %d ms%n", net.accountIds().size(), net.follows(), net.posts(),
                    net.elapsedMillis());
            PoolUses uses = new PoolUses(db);
            PostCache postCache = PostCache.subscribed(db, PostCache.DEFAULT_MAX_POSTS);
            Timelines sql = new Timelines(db, HomeFeeds.Settings.defaults(), 3_600_000, null);
            Timelines memory = new Timelines(db, HomeFeeds.Settings.defaults(), 3_600_000, postCache);
            Random r = new Random(1);
            List<Long> viewers = new ArrayList<>();
            for (int i = 0; i < sampled; i++) {
                viewers.add(net.accountIds().get(r.nextInt(net.accountIds().size())));
            }
            long t0 = System.nanoTime();
            for (long v : viewers) { // builds both paths' feeds and fills the caches; holds the two equal at this size
                Slice<Post> a = sql.home(v, Page.first());
                Slice<Post> b = memory.home(v, Page.first());
                assertEquals(HomeRandomOps.ids(a), HomeRandomOps.ids(b), "viewer " + v);
                if (a.nextMaxId() != null) {
                    Page next = new Page(a.nextMaxId(), null, null, Page.DEFAULT_LIMIT);
                    assertEquals(HomeRandomOps.ids(sql.home(v, next)), HomeRandomOps.ids(memory.home(v, next)), "viewer " + v + ", " + next);
                }
            }
            System.out.printf("warm-up and equality check of %d viewers (first and second page): %d ms%n", viewers.size(), (System.nanoTime() - t0) / 1_000_000);
            // The whole page as the services give it: home and the hydration of its posts (Posts.views), both through SQL and both
            // through memory (the services' own caches).
            Social social = TestDatabase.social(db);
            for (long v : viewers) {
                social.posts().views(v, social.timelines().home(v, Page.first()).items());
            }
            List<Integer> backends = backends(db);
            for (int round = 1; round <= rounds; round++) {
                System.out.printf("round %d sql         : %s%n", round, measure(v -> sql.home(v, Page.first()), viewers, uses, backends));
                System.out.printf("round %d memory      : %s%n", round, measure(v -> memory.home(v, Page.first()), viewers, uses, backends));
                System.out.printf("round %d sql+views   : %s%n", round,
                        measure(v -> social.posts().viewsUncached(v, sql.home(v, Page.first()).items()), viewers, uses, backends));
                System.out.printf("round %d memory+views: %s%n", round,
                        measure(v -> social.posts().views(v, social.timelines().home(v, Page.first()).items()), viewers, uses, backends));
            }
            int threads = Integer.getInteger("bench.threads", 4);
            for (int round = 1; round <= 2; round++) {
                System.out.printf("round %d memory+views on %d threads: %s%n", round, threads, parallel(social, viewers, threads, uses));
            }
            System.out.println(memory.homeFeedStats() + "; posts " + postCache.stats());
        }
    }

    private record Sample(long reads, double wallMicros, double threadCpuMicros, double processCpuMicros, double postgresCpuMicros,
                          double poolUsesPerRead, double readsPerSecond, String load) {
        @Override
        public String toString() {
            return String.format("%,d reads, per read: wall %.1f us, thread CPU %.1f us, JVM process CPU %.1f us, PostgreSQL CPU %.1f us,"
                    + " %.3f pool connections; %,.0f reads/s single-threaded; load average %s",
                    reads, wallMicros, threadCpuMicros, processCpuMicros, postgresCpuMicros, poolUsesPerRead, readsPerSecond, load);
        }
    }

    private static Sample measure(LongConsumer page, List<Long> viewers, PoolUses uses, List<Integer> backends) throws IOException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long pool0 = uses.count();
        long pg0 = postgresCpuTicks(backends);
        long proc0 = os.getProcessCpuTime();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        long reads = 0;
        for (long v : viewers) {
            page.accept(v);
            reads++;
        }
        long wall = System.nanoTime() - wall0;
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        long proc = os.getProcessCpuTime() - proc0;
        long pgTicks = postgresCpuTicks(backends) - pg0;
        long pool = uses.count() - pool0;
        double ticksPerSecond = 100.0; // USER_HZ on Linux
        return new Sample(reads, wall / 1e3 / reads, cpu / 1e3 / reads, proc / 1e3 / reads, pgTicks / ticksPerSecond * 1e6 / reads,
                (double) pool / reads, reads / (wall / 1e9), Files.readString(Path.of("/proc/loadavg")).trim());
    }

    /** Whole pages (home + views from memory) on {@code threads} threads at once: throughput, process CPU per page, pool connections. */
    private static String parallel(Social social, List<Long> viewers, int threads, PoolUses uses) throws IOException {
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        int perThread = 5;
        long pool0 = uses.count();
        long proc0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        List<Thread> running = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int offset = i;
            running.add(Thread.ofPlatform().start(() -> {
                for (int pass = 0; pass < perThread; pass++) {
                    for (int j = 0; j < viewers.size(); j++) {
                        long v = viewers.get((j + offset * 97) % viewers.size());
                        social.posts().views(v, social.timelines().home(v, Page.first()).items());
                    }
                }
            }));
        }
        for (Thread t : running) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        long wall = System.nanoTime() - wall0;
        long pages = (long) threads * perThread * viewers.size();
        return String.format("%,d pages, %,.0f pages/s, JVM process CPU %.1f us per page, %.3f pool connections per page; load average %s",
                pages, pages / (wall / 1e9), (os.getProcessCpuTime() - proc0) / 1e3 / pages, (double) (uses.count() - pool0) / pages,
                Files.readString(Path.of("/proc/loadavg")).trim());
    }

    /** The PostgreSQL backends serving this database (the pool's connections and the change feed's). */
    private static List<Integer> backends(Database db) {
        return db.read(c -> {
            List<Integer> pids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE datname = current_database()");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pids.add(rs.getInt(1));
                }
            }
            return pids;
        });
    }

    /** User plus system CPU of those processes, in clock ticks (/proc/PID/stat fields 14 and 15). */
    private static long postgresCpuTicks(List<Integer> pids) throws IOException {
        long ticks = 0;
        for (int pid : pids) {
            Path stat = Path.of("/proc", Integer.toString(pid), "stat");
            if (!Files.exists(stat)) {
                continue;
            }
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
        return ticks;
    }
}
