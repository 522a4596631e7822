package dev.starling.social.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.common.Page;
import dev.starling.social.common.Slice;
import dev.starling.social.db.Database;
import dev.starling.social.posts.Post;
import dev.starling.social.testing.TestDatabase;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Domain-level home timeline benchmark (not a timed test): generates the network size
 * (default 10,000 accounts x 100 follows x 1,000,000 posts; scale with
 * -Dbench.accounts/-Dbench.follows/-Dbench.posts), then times {@code Timelines.home} for random
 * viewers (first page and a deeper max_id page), single-threaded, and prints p50/p99.
 * Runs only with {@code -Dstarling.bench=true}.
 */
class HomeTimelineBenchTest {

    @Test
    void homeTimelineLatency() {
        Assumptions.assumeTrue(Boolean.getBoolean("starling.bench"), "benchmark: run with -Dstarling.bench=true");
        SyntheticNetwork.Spec spec = new SyntheticNetwork.Spec(Integer.getInteger("bench.accounts", 10_000),
                Integer.getInteger("bench.follows", 100), Integer.getInteger("bench.posts", 1_000_000), 30);
        try (Database db = TestDatabase.fresh("bench", 4)) {
            SyntheticNetwork.Result net = SyntheticNetwork.generate(db, spec);
            System.out.printf("generated %d accounts, %d follows, %d posts in %d ms%n", net.accountIds().size(), net.follows(), net.posts(),
                    net.elapsedMillis());
            Social social = TestDatabase.social(db);
            Random r = new Random(1);
            List<Long> ids = net.accountIds();
            for (int i = 0; i < 200; i++) { // warm-up
                social.timelines().home(ids.get(r.nextInt(ids.size())), Page.first());
            }
            int n = Integer.getInteger("bench.queries", 2000);
            long[] first = new long[n];
            long[] deep = new long[n];
            for (int i = 0; i < n; i++) {
                long viewer = ids.get(r.nextInt(ids.size()));
                long t0 = System.nanoTime();
                Slice<Post> s = social.timelines().home(viewer, Page.first());
                first[i] = System.nanoTime() - t0;
                assertEquals(20, s.items().size());
                long t1 = System.nanoTime();
                social.timelines().home(viewer, new Page(s.nextMaxId() - (1L << 16) * 3_600_000L * 24 * 5, null, null, 20));
                deep[i] = System.nanoTime() - t1;
            }
            long[] hydrated = new long[n];
            for (int i = 0; i < n; i++) {
                long viewer = ids.get(r.nextInt(ids.size()));
                long t0 = System.nanoTime();
                Slice<Post> s = social.timelines().home(viewer, Page.first());
                social.posts().views(viewer, s.items());
                hydrated[i] = System.nanoTime() - t0;
            }
            report("home first page (20) + hydration (PostView)", hydrated);
            report("home first page (20)", first);
            report("home max_id 5 days back", deep);
            String plan = db.withConnection(c -> {
                StringBuilder sb = new StringBuilder();
                try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + dev.starling.social.timelines.Timelines.homeSql(Page.first()))) {
                    ps.setLong(1, ids.get(7));
                    ps.setLong(2, ids.get(7)); // homeSql binds the viewer twice
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            sb.append(rs.getString(1)).append('\n');
                        }
                    }
                }
                return sb.toString();
            });
            System.out.println(plan);
            List<Long> pageIds = social.timelines().home(ids.get(7), Page.first(30)).items().stream().map(Post::id).toList();
            String filterPlan = db.withConnection(c -> {
                StringBuilder sb = new StringBuilder();
                String sql = "EXPLAIN (ANALYZE, BUFFERS) SELECT " + dev.starling.social.posts.PostRows.COLUMNS + " FROM "
                        + dev.starling.social.visibility.VisibilitySql.VIEWER + ", posts p LEFT JOIN posts o ON o.id = p.reblog_of_id"
                        + " WHERE p.id = ANY(?) AND " + dev.starling.social.visibility.VisibilitySql.canSee("p", "o") + " AND "
                        + dev.starling.social.visibility.VisibilitySql.notMuted("p", "o");
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setLong(1, ids.get(7));
                    ps.setArray(2, c.createArrayOf("bigint", pageIds.toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            sb.append(rs.getString(1)).append('\n');
                        }
                    }
                }
                return sb.toString();
            });
            System.out.println("FILTER PLAN\n" + filterPlan);
            long[] parts = new long[3];
            for (int i = 0; i < 300; i++) {
                long viewer = ids.get(r.nextInt(ids.size()));
                long t0 = System.nanoTime();
                db.withConnection(c -> {
                    try (PreparedStatement ps = c.prepareStatement(dev.starling.social.timelines.Timelines.homeSql(Page.first(30)))) {
                        ps.setLong(1, viewer);
                        ps.setLong(2, viewer); // homeSql binds the viewer twice
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                rs.getLong(1);
                            }
                        }
                    }
                    return null;
                });
                parts[0] += System.nanoTime() - t0;
            }
            System.out.printf("candidate query alone: mean %.2f ms%n", parts[0] / 300 / 1e6);
            assertTrue(first.length > 0);
        }
    }

    private static void report(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        double total = Arrays.stream(s).sum() / 1e9;
        System.out.printf("%s: n=%d p50=%.2f ms p99=%.2f ms max=%.2f ms, %.0f queries/s single-threaded%n", what, s.length,
                s[s.length / 2] / 1e6, s[(int) (s.length * 0.99)] / 1e6, s[s.length - 1] / 1e6, s.length / total);
    }

}
