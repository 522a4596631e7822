package dev.starling.social.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.testing.TestDatabase;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Concurrent writers on the same few accounts and posts (follows both ways, likes, reposts,
 * replies, deletes) must neither deadlock nor lose an increment: afterwards every stored counter
 * equals its count(*). Seeded per thread; prints its seed, replay with {@code -Dtests.seed=<seed>}.
 */
class StoredCountersConcurrencyTest {

    @Test
    void concurrentWritersKeepCountersExact() throws Exception {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        System.out.println("StoredCountersConcurrencyTest seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        try (Database db = TestDatabase.fresh("counters_conc", 8)) {
            Social s = TestDatabase.social(db);
            List<Account> accounts = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                accounts.add(s.accounts().createWithoutPassword("k" + i, "k" + i + "@example.org", "", false).orThrow());
            }
            List<Long> roots = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                roots.add(s.posts().create(accounts.get(i).id(), NewPost.of("root " + i)).orThrow().id());
            }
            int threads = 4;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    Random r = new Random(seed + t);
                    done.add(pool.submit(() -> {
                        for (int k = 0; k < 120; k++) {
                            long a = accounts.get(r.nextInt(accounts.size())).id();
                            long b = accounts.get(r.nextInt(accounts.size())).id();
                            long root = roots.get(r.nextInt(roots.size()));
                            switch (r.nextInt(7)) {
                                case 0 -> s.relationships().follow(a, b);
                                case 1 -> s.relationships().unfollow(a, b);
                                case 2 -> s.posts().favourite(a, root);
                                case 3 -> s.posts().unfavourite(a, root);
                                case 4 -> s.posts().reblog(a, root);
                                case 5 -> s.posts().unreblog(a, root);
                                default -> {
                                    Post reply = s.posts().create(a, NewPost.of("reply " + k).replyTo(root)).orThrow();
                                    if (r.nextBoolean()) {
                                        s.posts().delete(a, reply.id()).orThrow();
                                    }
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            db.withConnection(c -> {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                        SELECT count(*) FROM accounts a LEFT JOIN account_stats s ON s.account_id = a.id
                        WHERE (coalesce(s.followers_count, 0), coalesce(s.following_count, 0), coalesce(s.statuses_count, 0))
                          IS DISTINCT FROM ((SELECT count(*) FROM follows f WHERE f.followee_id = a.id),
                                            (SELECT count(*) FROM follows f WHERE f.follower_id = a.id),
                                            (SELECT count(*) FROM posts p WHERE p.author_id = a.id))""")) {
                    rs.next();
                    assertEquals(0L, rs.getLong(1), "accounts with wrong counters (seed " + seed + ")");
                }
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                        SELECT count(*) FROM posts p LEFT JOIN post_stats s ON s.post_id = p.id
                        WHERE (coalesce(s.replies_count, 0), coalesce(s.reblogs_count, 0), coalesce(s.favourites_count, 0))
                          IS DISTINCT FROM ((SELECT count(*) FROM posts r WHERE r.in_reply_to_id = p.id),
                                            (SELECT count(*) FROM posts r WHERE r.reblog_of_id = p.id),
                                            (SELECT count(*) FROM favourites f WHERE f.post_id = p.id))""")) {
                    rs.next();
                    assertEquals(0L, rs.getLong(1), "posts with wrong counters (seed " + seed + ")");
                }
                return null;
            });
        }
    }
}
