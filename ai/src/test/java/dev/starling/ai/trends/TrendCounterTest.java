package dev.starling.ai.trends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.testing.TestDatabase;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The counters follow the outbox: only public originals count, deletes and visibility changes are followed, restarts continue. */
class TrendCounterTest {

    private Database db;
    private Social social;
    private long alice;
    private long bob;

    @BeforeEach
    void up() {
        db = TestDatabase.fresh("trend_counter");
        social = TestDatabase.social(db);
        alice = social.accounts().createWithoutPassword("alice", "alice@example.test", "", false).orThrow().id();
        bob = social.accounts().createWithoutPassword("bob", "bob@example.test", "", false).orThrow().id();
    }

    @AfterEach
    void down() {
        db.close();
    }

    private TrendCounter counter() {
        return new TrendCounter(db, social.outbox(), Clock.systemUTC(), TrendCounter.Options.defaults());
    }

    private long post(long author, String text, PostVisibility v) {
        return social.posts().create(author, NewPost.of(text, v)).orThrow().id();
    }

    /** "kind:term:post:account" for every counted row. */
    private Set<String> rows() {
        return db.withConnection(c -> {
            Set<String> out = new TreeSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT kind, term, post_id, account_id, hour FROM trend_uses");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getInt(1) + ":" + rs.getString(2) + ":" + rs.getLong(3) + ":" + rs.getLong(4) + ":" + rs.getTimestamp(5).toInstant());
                }
            }
            return out;
        });
    }

    private Set<Long> postsWithTag(String tag) {
        Set<Long> out = new TreeSet<>();
        for (String r : rows()) {
            String[] f = r.split(":", 4);
            if (f[0].equals("0") && f[1].equals(tag)) {
                out.add(Long.parseLong(f[2]));
            }
        }
        return out;
    }

    @Test
    void onlyPublicOriginalsCountAndDeletesAndVisibilityChangesAreFollowed() {
        TrendCounter counter = counter();
        long p1 = post(alice, "Solar eclipse tonight #Eclipse https://example.com/e", PostVisibility.PUBLIC);
        post(alice, "#Eclipse seen from my unlisted corner", PostVisibility.UNLISTED);
        post(bob, "#Eclipse for my followers only", PostVisibility.PRIVATE);
        post(bob, "@alice #Eclipse just between us", PostVisibility.DIRECT);
        social.posts().reblog(bob, p1).orThrow();
        counter.catchUp();
        assertEquals(Set.of(p1), postsWithTag("eclipse"), "only the public original counts (not unlisted, private, direct, nor the repost)");
        Set<String> r = rows();
        assertTrue(r.stream().anyMatch(x -> x.startsWith("1:https://example.com/e:" + p1 + ":" + alice)), r.toString());
        assertTrue(r.stream().anyMatch(x -> x.startsWith("2:solar eclipse tonight:" + p1)), r.toString());

        long p5 = post(bob, "#Eclipse glasses ready", PostVisibility.PUBLIC);
        counter.catchUp();
        assertEquals(Set.of(p1, p5), postsWithTag("eclipse"));

        social.posts().delete(alice, p1).orThrow();
        social.posts().changeVisibility(bob, p5, PostVisibility.PRIVATE).orThrow();
        counter.catchUp();
        assertEquals(Set.of(), postsWithTag("eclipse"), "deleted and no-longer-public posts are removed");
        assertEquals(Set.of(), rows(), "nothing of the deleted post remains (links, phrases)");

        social.posts().changeVisibility(bob, p5, PostVisibility.PUBLIC).orThrow();
        counter.catchUp();
        assertEquals(Set.of(p5), postsWithTag("eclipse"), "public again: counted again");
        assertEquals(social.outbox().head(), social.outbox().position(TrendCounter.CONSUMER));
        assertEquals(0, counter.lag());
        // the per-hour view: distinct authors and uses
        int[] hourly = db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT sum(accounts), sum(uses) FROM trend_hourly WHERE kind = 0 AND term = 'eclipse'");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new int[] {rs.getInt(1), rs.getInt(2)};
            }
        });
        assertEquals(1, hourly[0]);
        assertEquals(1, hourly[1]);
    }

    @Test
    void theHourlyViewCountsDistinctAuthorsAndUses() {
        java.time.Instant hour = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS).minus(java.time.Duration.ofHours(2));
        db.inTransaction(c -> {
            dev.starling.social.posts.PostWriter.insert(c, alice, NewPost.of("#Tea first cup", PostVisibility.PUBLIC), hour.plusSeconds(300));
            dev.starling.social.posts.PostWriter.insert(c, alice, NewPost.of("#Tea second cup", PostVisibility.PUBLIC), hour.plusSeconds(600));
            dev.starling.social.posts.PostWriter.insert(c, bob, NewPost.of("#Tea here too", PostVisibility.PUBLIC), hour.plusSeconds(900));
            dev.starling.social.posts.PostWriter.insert(c, bob, NewPost.of("#Tea an hour on", PostVisibility.PUBLIC), hour.plusSeconds(3900));
            return null;
        });
        counter().catchUp();
        List<String> hourly = db.withConnection(c -> {
            List<String> out = new java.util.ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT hour, accounts, uses FROM trend_hourly WHERE kind = 0 AND term = 'tea' ORDER BY hour");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getTimestamp(1).toInstant() + " " + rs.getInt(2) + " " + rs.getInt(3));
                }
            }
            return out;
        });
        assertEquals(List.of(hour + " 2 3", hour.plusSeconds(3600) + " 1 1"), hourly, "2 authors and 3 uses, then 1 and 1");
    }

    @Test
    void aPostBehindAContentWarningGivesOnlyItsTags() {
        long cw = social.posts().create(alice, NewPost.of("Season finale twist ending #Finale https://spoilers.example.com/x", PostVisibility.PUBLIC)
                .withSpoiler("spoilers")).orThrow().id();
        long sensitive = social.posts().create(bob, new NewPost("Grim photos downtown #Finale", PostVisibility.PUBLIC, null, null, null, true,
                null)).orThrow().id();
        counter().catchUp();
        assertEquals(Set.of("0:finale:" + cw, "0:finale:" + sensitive), rows().stream().map(r -> r.substring(0, r.indexOf(':', r.indexOf(':', 2) + 1)))
                .collect(java.util.stream.Collectors.toSet()), rows().toString());
    }

    @Test
    void aRestartContinuesFromTheCheckpointAndReplaysAreHarmless() {
        long p1 = post(alice, "#Rain again today", PostVisibility.PUBLIC);
        TrendCounter first = counter();
        assertTrue(first.catchUp() > 0);
        long checkpoint = social.outbox().position(TrendCounter.CONSUMER);
        long p2 = post(bob, "#Rain here too", PostVisibility.PUBLIC);
        // a new process: the old instance is gone, the checkpoint is in the database
        TrendCounter second = counter();
        assertEquals(1, second.runOnce(), "only the event after the checkpoint");
        assertEquals(Set.of(p1, p2), postsWithTag("rain"));
        // a crash before the checkpoint moved: the same events again leave the same rows
        Set<String> before = rows();
        social.outbox().checkpoint(TrendCounter.CONSUMER, checkpoint); // monotonic: does not move back
        try (var c = db.dataSource().getConnection(); var st = c.createStatement()) {
            st.executeUpdate("UPDATE outbox_consumers SET position = 0 WHERE name = 'trends'");
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        counter().catchUp();
        assertEquals(before, rows(), "replaying every event is idempotent");
    }

    @Test
    void rebuildRecomputesTheSameRowsFromThePosts() {
        TrendCounter counter = counter();
        // imported history older than the retention is counted neither incrementally nor by the rebuild
        db.inTransaction(c -> dev.starling.social.posts.PostWriter.insert(c, alice, NewPost.of("#Vote in the old days", PostVisibility.PUBLIC),
                java.time.Instant.now().minus(java.time.Duration.ofDays(30)), false).orThrow());
        long keep = post(alice, "Breaking news: city council votes #Vote https://news.example/council?utm_source=x", PostVisibility.PUBLIC);
        long gone = post(bob, "#Vote early, vote often", PostVisibility.PUBLIC);
        post(bob, "#Vote private thoughts", PostVisibility.PRIVATE);
        social.posts().delete(bob, gone).orThrow();
        counter.catchUp();
        Set<String> incremental = rows();
        assertEquals(Set.of(keep), postsWithTag("vote"));
        try (var c = db.dataSource().getConnection(); var st = c.createStatement()) {
            st.executeUpdate("INSERT INTO trend_uses (kind, term, post_id, account_id, hour) VALUES (0, 'junk', 1, 1, now())");
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        TrendCounter.RebuildResult r = counter.rebuild();
        assertEquals(1, r.posts());
        assertEquals(incremental, rows(), "rebuild = incremental counting, and derived junk is gone");
        assertEquals(social.outbox().head(), social.outbox().position(TrendCounter.CONSUMER));
        assertEquals(0, counter.runOnce());
    }

    @Test
    void thePollingThreadCountsNewPostsAndStops() throws Exception {
        try (TrendCounter counter = new TrendCounter(db, social.outbox(), Clock.systemUTC(), new TrendCounter.Options(100, 20, TrendScoring.Settings.tags().retention()))) {
            counter.start();
            long p = post(alice, "#Live from the thread", PostVisibility.PUBLIC);
            long deadline = System.currentTimeMillis() + 10_000;
            while (!postsWithTag("live").contains(p) && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(Set.of(p), postsWithTag("live"));
        }
    }
}
