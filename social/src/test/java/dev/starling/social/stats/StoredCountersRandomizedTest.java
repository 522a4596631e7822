package dev.starling.social.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.db.Database;
import dev.starling.social.export.PostExport;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostView;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.common.Outcome;
import dev.starling.social.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded randomized test of the stored counters (migration V2): random follows, unfollows,
 * follow requests and their authorization, blocks (which remove follows), posts, replies, reposts,
 * quotes, deletions (with the cascade to reposts and favourites), likes and unlikes through the
 * domain services, plus bulk SQL writes as the seeders do them (multi-row INSERT ... SELECT and
 * DELETE); after every few steps every account's and every post's counters must equal the
 * count(*) truth, both in the stats tables and as the read API hydrates them.
 *
 * <p>Prints its seed; replay with {@code -Dtests.seed=<seed>}.
 */
class StoredCountersRandomizedTest {

    @Test
    void countersEqualCountStarTruthAfterRandomWrites() throws Exception {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        System.out.println("StoredCountersRandomizedTest seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random r = new Random(seed);
        try (Database db = TestDatabase.fresh("counters", 4)) {
            Social s = TestDatabase.social(db);
            List<Account> accounts = new ArrayList<>();
            int nAccounts = 6 + r.nextInt(5);
            for (int i = 0; i < nAccounts; i++) {
                String name = "c" + i;
                accounts.add(s.accounts().createWithoutPassword(name, name + "@example.org", "", r.nextInt(4) == 0).orThrow());
            }
            List<Long> postIds = new ArrayList<>();
            int ops = 250 + r.nextInt(100);
            for (int k = 0; k < ops; k++) {
                long a = accounts.get(r.nextInt(accounts.size())).id();
                long b = accounts.get(r.nextInt(accounts.size())).id();
                int op = r.nextInt(100);
                if (op < 16) {
                    s.relationships().follow(a, b);
                } else if (op < 22) {
                    s.relationships().unfollow(a, b);
                } else if (op < 27) {
                    s.relationships().authorize(a, b);
                } else if (op < 30) {
                    s.relationships().block(a, b);
                } else if (op < 31) {
                    s.relationships().unblock(a, b);
                } else if (op < 55 || postIds.isEmpty()) {
                    NewPost np = NewPost.of("post " + k, PostVisibility.values()[r.nextInt(4)]);
                    if (!postIds.isEmpty() && r.nextInt(3) == 0) {
                        np = np.replyTo(postIds.get(r.nextInt(postIds.size())));
                    } else if (!postIds.isEmpty() && r.nextInt(8) == 0) {
                        np = np.quoting(postIds.get(r.nextInt(postIds.size())));
                    }
                    Outcome<Post> o = s.posts().create(a, np);
                    if (o.isOk()) {
                        postIds.add(o.orThrow().id());
                    }
                } else if (op < 95) {
                    long target = postIds.get(r.nextInt(postIds.size()));
                    int act = r.nextInt(10);
                    if (act < 4) {
                        s.posts().favourite(a, target);
                    } else if (act < 5) {
                        s.posts().unfavourite(a, target);
                    } else if (act < 7) {
                        Outcome<Post> o = s.posts().reblog(a, target);
                        if (o.isOk()) {
                            postIds.add(o.orThrow().id());
                        }
                    } else if (act < 8) {
                        s.posts().unreblog(a, target);
                    } else {
                        // Usually not the author's post: the rejection must leave counters alone too.
                        long actor = r.nextBoolean() ? authorOf(db, target, a) : a;
                        s.posts().delete(actor, target);
                    }
                } else {
                    bulkWrite(db, r, k);
                }
                if (k % 25 == 24) {
                    check(db, s, "after step " + k + " (seed " + seed + ")");
                }
            }
            check(db, s, "at the end (seed " + seed + ")");
        }
    }

    /** Multi-row statements as the seeders and imports write: one trigger call covers many rows. */
    private static void bulkWrite(Database db, Random r, int step) {
        db.withConnection(c -> {
            try (Statement st = c.createStatement()) {
                switch (r.nextInt(4)) {
                    case 0 -> st.executeUpdate("""
                            INSERT INTO follows (id, follower_id, followee_id, created_at)
                            SELECT snowflake_id(now()), x.id, y.id, now() FROM accounts x, accounts y
                            WHERE x.id <> y.id AND random() < 0.2 ON CONFLICT DO NOTHING""");
                    case 1 -> st.executeUpdate("DELETE FROM follows WHERE random() < 0.3");
                    case 2 -> st.executeUpdate("""
                            INSERT INTO favourites (id, account_id, post_id, created_at)
                            SELECT snowflake_id(now()), a.id, p.id, now() FROM accounts a, posts p
                            WHERE random() < 0.1 ON CONFLICT DO NOTHING""");
                    default -> st.executeUpdate("INSERT INTO posts (id, author_id, text, visibility, in_reply_to_id, created_at) "
                            + "SELECT snowflake_id(now()), a.id, 'bulk " + step + "', 0, "
                            + "(SELECT p.id FROM posts p WHERE a.id > 0 ORDER BY random() LIMIT 1), now() "
                            + "FROM accounts a WHERE random() < 0.5");
                }
            }
            return null;
        });
    }

    private static long authorOf(Database db, long postId, long fallback) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT author_id FROM posts WHERE id = ?")) {
                ps.setLong(1, postId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : fallback;
                }
            }
        });
    }

    private static void check(Database db, Social s, String when) {
        db.withConnection(c -> {
            assertEquals(List.of(), rows(c, """
                    SELECT a.id, coalesce(st.followers_count, 0), coalesce(st.following_count, 0), coalesce(st.statuses_count, 0),
                           st.last_status_at,
                           (SELECT count(*) FROM follows f WHERE f.followee_id = a.id),
                           (SELECT count(*) FROM follows f WHERE f.follower_id = a.id),
                           (SELECT count(*) FROM posts p WHERE p.author_id = a.id),
                           (SELECT p.created_at FROM posts p WHERE p.author_id = a.id ORDER BY p.id DESC LIMIT 1)
                    FROM accounts a LEFT JOIN account_stats st ON st.account_id = a.id
                    WHERE (coalesce(st.followers_count, 0), coalesce(st.following_count, 0), coalesce(st.statuses_count, 0), st.last_status_at)
                      IS DISTINCT FROM ((SELECT count(*) FROM follows f WHERE f.followee_id = a.id),
                                        (SELECT count(*) FROM follows f WHERE f.follower_id = a.id),
                                        (SELECT count(*) FROM posts p WHERE p.author_id = a.id),
                                        (SELECT p.created_at FROM posts p WHERE p.author_id = a.id ORDER BY p.id DESC LIMIT 1))"""),
                    "account counters (stored vs truth) " + when);
            assertEquals(List.of(), rows(c, """
                    SELECT p.id, coalesce(st.replies_count, 0), coalesce(st.reblogs_count, 0), coalesce(st.favourites_count, 0),
                           (SELECT count(*) FROM posts r WHERE r.in_reply_to_id = p.id),
                           (SELECT count(*) FROM posts r WHERE r.reblog_of_id = p.id),
                           (SELECT count(*) FROM favourites f WHERE f.post_id = p.id)
                    FROM posts p LEFT JOIN post_stats st ON st.post_id = p.id
                    WHERE (coalesce(st.replies_count, 0), coalesce(st.reblogs_count, 0), coalesce(st.favourites_count, 0))
                      IS DISTINCT FROM ((SELECT count(*) FROM posts r WHERE r.in_reply_to_id = p.id),
                                        (SELECT count(*) FROM posts r WHERE r.reblog_of_id = p.id),
                                        (SELECT count(*) FROM favourites f WHERE f.post_id = p.id))"""),
                    "post counters (stored vs truth) " + when);
            assertEquals(0L, single(c, "SELECT count(*) FROM post_stats st WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = st.post_id)"),
                    "stats rows of deleted posts " + when);
            // The read API hydrates from the stored counters.
            for (Account a : s.accounts().byIds(ids(c, "SELECT id FROM accounts ORDER BY id"))) {
                assertEquals(single(c, "SELECT count(*) FROM follows WHERE followee_id = " + a.id()), a.followersCount(), "followers of " + a.username() + " " + when);
                assertEquals(single(c, "SELECT count(*) FROM follows WHERE follower_id = " + a.id()), a.followingCount(), "following of " + a.username() + " " + when);
                assertEquals(single(c, "SELECT count(*) FROM posts WHERE author_id = " + a.id()), a.statusesCount(), "statuses of " + a.username() + " " + when);
            }
            List<Long> postIds = ids(c, "SELECT id FROM posts WHERE reblog_of_id IS NULL ORDER BY id DESC LIMIT 40");
            for (Long id : postIds) {
                PostView v = s.posts().view(null, id).orElse(null);
                if (v == null) {
                    continue; // not public: the anonymous viewer may not see it
                }
                assertEquals(single(c, "SELECT count(*) FROM posts WHERE in_reply_to_id = " + id), v.repliesCount(), "replies of " + id + " " + when);
                assertEquals(single(c, "SELECT count(*) FROM posts WHERE reblog_of_id = " + id), v.reblogsCount(), "reblogs of " + id + " " + when);
                assertEquals(single(c, "SELECT count(*) FROM favourites WHERE post_id = " + id), v.favouritesCount(), "favourites of " + id + " " + when);
            }
            // The export for search indexing reads them too.
            for (PostExport.ExportedPost e : new PostExport(db).byIds(postIds).values()) {
                long id = e.post().id();
                assertEquals(single(c, "SELECT count(*) FROM posts WHERE in_reply_to_id = " + id), e.repliesCount(), "exported replies of " + id + " " + when);
                assertEquals(single(c, "SELECT count(*) FROM posts WHERE reblog_of_id = " + id), e.reblogsCount(), "exported reblogs of " + id + " " + when);
                assertEquals(single(c, "SELECT count(*) FROM favourites WHERE post_id = " + id), e.favouritesCount(), "exported favourites of " + id + " " + when);
            }
            return null;
        });
    }

    private static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    sb.append(i == 1 ? "" : ", ").append(rs.getString(i));
                }
                out.add(sb.toString());
            }
        }
        return out;
    }

    private static long single(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Long> ids(Connection c, String sql) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }
}
