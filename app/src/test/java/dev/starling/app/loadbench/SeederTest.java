package dev.starling.app.loadbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.server.oauth.OAuthStore;
import dev.starling.social.Social;
import dev.starling.social.common.Page;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostText;
import dev.starling.social.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seeder on a tiny network in a real embedded PostgreSQL (social's TestDatabase). */
class SeederTest {
    private static final SeedConfig TINY = new SeedConfig(60, 8, 3_000, 10, 5, 42, true);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);

    static Database db;
    static Seeder.Report report;
    @BeforeAll
    static void seed() throws Exception {
        db = TestDatabase.fresh("loadbench_seed", 4);
        report = new Seeder(db, CLOCK, new PrintStream(new ByteArrayOutputStream())).seed(TINY);
    }

    /**
     * The seed runs with social's bulk-load setting on, so its change triggers stay quiet row by
     * row; it logs exactly one reset with its commit.
     */
    @Test
    void seedLogsOneResetInsteadOfOneChangePerRow() {
        assertEquals("R", text(db, "SELECT string_agg(entries, '|' ORDER BY seq) FROM change_log"));
        // the bulk-load setting was transaction-local: it does not linger on pooled connections
        assertEquals("", text(db, "SELECT coalesce(current_setting('" + Seeder.BULK_LOAD_SETTING + "', true), '')"));
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Test
    void rowsLandInSocialsTables() {
        assertEquals(60, count("SELECT count(*) FROM accounts"));
        assertEquals(3_000, count("SELECT count(*) FROM posts"));
        assertEquals(3_000, report.posts());
        assertEquals(report.follows(), count("SELECT count(*) FROM follows"));
        assertEquals(report.follows(), count("SELECT count(*) FROM notifications WHERE type = 'follow'"));
        assertEquals(0, count("SELECT count(*) FROM notifications n LEFT JOIN follows f ON f.follower_id = n.from_account_id AND f.followee_id = n.account_id WHERE f.id IS NULL"));
        assertEquals(report.postTags(), count("SELECT count(*) FROM post_tags"));
        assertEquals(report.postTags(), count("SELECT count(*) FROM post_tags t JOIN posts p ON p.id = t.post_id WHERE t.tag = ANY(p.hashtags)"));
        assertEquals(report.postTags(), count("SELECT count(*) FROM posts WHERE cardinality(hashtags) > 0"));
        // roughly one post in ten has a tag, and visibility is mostly public
        assertTrue(report.postTags() > 150 && report.postTags() < 450, "tags " + report.postTags());
        long publicPosts = count("SELECT count(*) FROM posts WHERE visibility = 0");
        assertTrue(publicPosts > 2_300 && publicPosts < 2_800, "public " + publicPosts);
        assertEquals(0, count("SELECT count(*) FROM posts WHERE visibility = 3"));
        // mean follows near the configured 8, heavy tail in followers
        double mean = report.follows() / 60.0;
        assertTrue(mean > 5 && mean < 12, "mean follows " + mean);
        long maxFollowers = count("SELECT max(c) FROM (SELECT count(*) c FROM follows GROUP BY followee_id) x");
        assertTrue(maxFollowers >= 3 * mean, "max followers " + maxFollowers + " vs mean " + mean);
    }

    /** Seeded rows bypass the API, so their texts and hashtag columns must be what the API would have stored. */
    @Test
    void seededTextsAreValidPostsWithTheEntitiesTwitterTextFinds() {
        PostText validator = new PostText(PostText.DEFAULT_MAX_WEIGHTED_LENGTH);
        db.withConnection(c -> {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT text, hashtags FROM posts ORDER BY id LIMIT 400")) {
                int n = 0;
                while (rs.next()) {
                    String text = rs.getString(1);
                    assertTrue(validator.validate(text).isEmpty(), "invalid seeded text: " + text);
                    List<String> stored = List.of((String[]) rs.getArray(2).getArray());
                    List<String> extracted = PostText.extract(text).hashtags().stream().map(t -> t.toLowerCase(java.util.Locale.ROOT)).toList();
                    assertEquals(extracted, stored, text);
                    n++;
                }
                assertEquals(400, n);
            }
            return null;
        });
        // and the load generator's texts too
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < 500; i++) {
            String t = PostTexts.text(r);
            assertTrue(validator.validate(t).isEmpty(), t);
        }
    }

    @Test
    void idsAreSnowflakesOfTheirPastTimestamps() {
        assertEquals(0, count("SELECT count(*) FROM posts WHERE (id >> 16) <> floor(extract(epoch FROM created_at) * 1000)::bigint"));
        assertEquals(0, count("SELECT count(*) FROM accounts WHERE (id >> 16) <> floor(extract(epoch FROM created_at) * 1000)::bigint"));
        assertEquals(0, count("SELECT count(*) FROM follows WHERE (id >> 16) <> floor(extract(epoch FROM created_at) * 1000)::bigint"));
        long latest = count("SELECT floor(extract(epoch FROM max(created_at)) * 1000)::bigint FROM posts");
        long earliest = count("SELECT floor(extract(epoch FROM min(created_at)) * 1000)::bigint FROM posts");
        assertTrue(latest <= CLOCK.millis() - 3_600_000L, "latest post must be at least an hour old");
        assertTrue(earliest >= CLOCK.millis() - 3_600_000L - 5 * 86_400_000L, "posts must lie within the configured 5 days");
        // accounts exist before anything they do
        assertEquals(0, count("SELECT count(*) FROM posts p JOIN accounts a ON a.id = p.author_id WHERE p.created_at < a.created_at"));
    }

    @Test
    void outboxHoldsTheEventsSocialWouldHaveWritten() {
        assertEquals(60, count("SELECT count(*) FROM outbox WHERE type = 'account.created'"));
        assertEquals(report.follows(), count("SELECT count(*) FROM outbox WHERE type = 'follow.created'"));
        assertEquals(3_000, count("SELECT count(*) FROM outbox o JOIN posts p ON p.id = o.aggregate_id AND p.author_id = o.account_id"
                + " WHERE o.type = 'post.created' AND (o.payload->>'author_id')::bigint = p.author_id"
                + " AND o.payload->>'visibility' = (ARRAY['public','unlisted','private','direct'])[p.visibility + 1]"));
        assertEquals(report.outboxRows(), count("SELECT count(*) FROM outbox"));
        // a consumer can read them through social's outbox API
        Social social = TestDatabase.social(db);
        assertEquals(Math.min(1000, report.outboxRows()), social.outbox().poll("loadbench-test", 0, 1000).size());
    }

    @Test
    void tokensAuthenticateTheirAccounts() throws Exception {
        assertEquals(10, report.tokens().size());
        OAuthStore store = new OAuthStore(db.dataSource());
        Set<Long> accounts = new HashSet<>();
        for (BenchToken t : report.tokens()) {
            var found = store.findToken(t.token());
            assertTrue(found.isPresent());
            assertEquals(t.accountId(), found.get().accountId());
            assertTrue(found.get().scopes().contains("write"));
            accounts.add(t.accountId());
        }
        assertEquals(10, accounts.size(), "one token per sampled account");
    }

    @Test
    void timelinesAndNewPostsWorkOnTheSeededNetwork() {
        Social social = TestDatabase.social(db);
        long viewer = report.tokens().getFirst().accountId();
        List<Post> home = social.timelines().home(viewer, Page.first(20)).items();
        assertFalse(home.isEmpty());
        assertTrue(home.size() <= 20);
        Set<Long> allowed = new HashSet<>();
        db.withConnection(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT followee_id FROM follows WHERE follower_id = " + viewer)) {
                while (rs.next()) {
                    allowed.add(rs.getLong(1));
                }
            }
            return null;
        });
        allowed.add(viewer);
        for (Post p : home) {
            assertTrue(allowed.contains(p.authorId()), "home has a post by an account not followed: " + p.authorId());
        }
    }

    @Test
    void seedingTwiceIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Seeder(db, CLOCK, new PrintStream(new ByteArrayOutputStream())).seed(TINY));
        assertTrue(e.getMessage().contains("already has"), e.getMessage());
    }

    @Test
    void sameSeedSameNetworkAndNewPostsSortAfterIt() {
        try (Database other = TestDatabase.fresh("loadbench_seed_again", 2)) {
            Seeder.Report again = new Seeder(other, CLOCK, new PrintStream(new ByteArrayOutputStream())).seed(TINY);
            String sql = "SELECT md5(string_agg(id || ':' || author_id || ':' || visibility || ':' || text, '|' ORDER BY id)) FROM posts";
            String follows = "SELECT md5(string_agg(follower_id || '>' || followee_id, '|' ORDER BY id)) FROM follows";
            assertEquals(text(db, sql), text(other, sql));
            assertEquals(text(db, follows), text(other, follows));
            // (in this second database, so that the shared one keeps exactly the seeded rows)
            // the seeded accounts can post through social, and new ids sort after every seeded one
            Social social = TestDatabase.social(other);
            long viewer = again.tokens().getFirst().accountId();
            Post fresh = social.posts().create(viewer, NewPost.of("A new post after seeding #loadbench")).orThrow();
            assertTrue(fresh.id() > Long.parseLong(text(other, "SELECT max(id) FROM posts WHERE id <> " + fresh.id())));
            assertEquals(fresh.id(), social.timelines().home(viewer, Page.first(1)).items().getFirst().id());
        }
    }

    @Test
    void tokensFileRoundTripsAndRejectsGarbage(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("tokens.tsv");
        BenchToken.write(f, report.tokens());
        assertEquals(report.tokens(), BenchToken.read(f));
        Files.writeString(f, BenchToken.HEADER + "\n12\tshort\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchToken.read(f));
        assertTrue(e.getMessage().startsWith(f + ":2:"), e.getMessage());
        Files.writeString(f, "something else\n");
        e = assertThrows(IllegalArgumentException.class, () -> BenchToken.read(f));
        assertTrue(e.getMessage().contains(":1: not a loadbench tokens file"), e.getMessage());
    }

    @Test
    void configLimitsSayWhatIsWrong() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SeedConfig(1, 0, 0, 0, 1, 1, true));
        assertTrue(e.getMessage().contains("accounts must be"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SeedConfig(10, 10, 0, 0, 1, 1, true));
        assertTrue(e.getMessage().contains("mean follows"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SeedConfig(10, 2, 5, 11, 1, 1, true));
        assertTrue(e.getMessage().contains("tokens"), e.getMessage());
    }

    private static long count(String sql) {
        return db.withConnection(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static String text(Database d, String sql) {
        return d.withConnection(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getString(1);
            }
        });
    }
}
