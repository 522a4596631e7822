package dev.starling.social.timelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Page;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostCache;
import dev.starling.social.testing.TestDatabase;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The home timeline's memory path and its exits: a page read twice costs no database query the second
 * time; a change the caches never heard of (made with the triggers silenced, as bulk loads do) shows
 * only after a RESET, sent by the writer or by the feed's reconnect; a feed that is not live reads SQL.
 * Each test first shows that the caches answer (a silent change is not seen), so none passes by
 * reading SQL all along.
 */
class MemoryHomeTest {

    private record Net(Database db, Social s, Timelines t, Account viewer, Account author, long post) implements AutoCloseable {
        @Override
        public void close() {
            db.close();
        }
    }

    /** A viewer following an author who wrote one public post; the memory path has the page cached. */
    private static Net net(String label) {
        Database db = TestDatabase.fresh(label, 4);
        Social s = TestDatabase.social(db);
        Timelines t = new Timelines(db);
        Account viewer = s.accounts().createWithoutPassword(label + "_v", label + "_v@example.org", "", false).orThrow();
        Account author = s.accounts().createWithoutPassword(label + "_a", label + "_a@example.org", "", false).orThrow();
        s.relationships().follow(viewer.id(), author.id()).orThrow();
        long post = s.posts().create(author.id(), NewPost.of("hello")).orThrow().id();
        // Until the feed's first poll, reads go to SQL and fill no cache: the tests' silent changes would then be
        // read from the database by the first memory read after them (a busy machine delays that first poll).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!db.changes().awaitLocalWrites()) {
            assertTrue(System.nanoTime() < deadline, "the change feed did not go live within 10 s");
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        assertEquals(List.of(post), home(t, viewer));
        assertEquals(1, t.memoryStats().pages(), "the first read was not decided in memory: " + t.homeFeedStats());
        return new Net(db, s, t, viewer, author, post);
    }

    private static List<Long> home(Timelines t, Account viewer) {
        return t.home(viewer.id(), Page.first(20)).items().stream().map(Post::id).toList();
    }

    private static List<Long> sql(Timelines t, Account viewer) {
        return t.homeUncached(viewer.id(), Page.first(20)).items().stream().map(Post::id).toList();
    }

    /** The viewer mutes the author with the change triggers silenced: the caches cannot know. */
    private static void silentMute(Net n) {
        n.db().inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT set_config('starling.bulk_load', 'on', true)")) {
                ps.execute();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO mutes (id, account_id, target_id, created_at) VALUES (snowflake_id(now()), ?, ?, now())")) {
                ps.setLong(1, n.viewer().id());
                ps.setLong(2, n.author().id());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Test
    void aSecondReadOfAPageRunsNoQuery() {
        try (Net n = net("mh_zero")) {
            PoolUses uses = new PoolUses(n.db());
            Timelines quiet = new Timelines(n.db(), HomeFeeds.Settings.defaults(), 3_600_000, PostCache.subscribed(n.db(), 1_000)); // no outbox polls
            assertEquals(List.of(n.post()), home(quiet, n.viewer()));
            assertTrue(uses.count() > 0, "the first read loaded nothing: the counter does not count");
            long before = uses.count();
            for (int i = 0; i < 5; i++) {
                assertEquals(List.of(n.post()), home(quiet, n.viewer()));
            }
            assertEquals(before, uses.count(), "home reads from memory took pool connections: " + quiet.homeFeedStats());
            assertEquals(6, quiet.memoryStats().pages(), quiet.homeFeedStats());
            // a local write makes the next read wait for its delivery (one sync marker), and then it is free again
            n.s().posts().create(n.author().id(), NewPost.of("again")).orThrow();
            assertEquals(2, home(quiet, n.viewer()).size());
            long afterWrite = uses.count();
            assertEquals(2, home(quiet, n.viewer()).size());
            assertEquals(afterWrite, uses.count(), quiet.homeFeedStats());
        }
    }

    @Test
    void aFeedBuildOvertakenByAFollowIsNotKept() {
        try (Net n = net("mh_overtaken")) {
            Account other = n.s().accounts().createWithoutPassword("mh_overtaken_o", "mh_overtaken_o@example.org", "", false).orThrow();
            long theirs = n.s().posts().create(other.id(), NewPost.of("theirs")).orThrow().id();
            Timelines fresh = new Timelines(n.db());
            // The viewer follows `other` after its feed was built from the follows before, and before that feed is installed.
            fresh.homeFeeds().betweenBuildAndInstall = () -> {
                fresh.homeFeeds().betweenBuildAndInstall = null;
                n.s().relationships().follow(n.viewer().id(), other.id()).orThrow();
                assertTrue(n.db().changes().awaitLocalWrites());
            };
            assertEquals(List.of(theirs, n.post()), home(fresh, n.viewer())); // read from SQL: the feed was not installed
            assertEquals(1, fresh.memoryStats().fallbacks(), fresh.homeFeedStats());
            assertEquals(List.of(theirs, n.post()), home(fresh, n.viewer()), "a feed built before the follow was kept");
            assertEquals(1, fresh.memoryStats().pages(), fresh.homeFeedStats());
        }
    }

    @Test
    void aSilentChangeShowsAfterTheWritersReset() {
        try (Net n = net("mh_reset")) {
            silentMute(n);
            assertEquals(List.of(), sql(n.t(), n.viewer()));
            assertEquals(List.of(n.post()), home(n.t(), n.viewer()), "the caches answered from the database: this test shows nothing");
            n.db().withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT starling_changes_reset()")) {
                    ps.execute();
                }
                return null;
            });
            // withConnection counts as a local write: the read waits until the reset was delivered
            assertEquals(List.of(), home(n.t(), n.viewer()));
        }
    }

    @Test
    void aFeedThatIsNotLiveReadsSql() {
        try (Net n = net("mh_notlive")) {
            silentMute(n);
            assertEquals(List.of(n.post()), home(n.t(), n.viewer()), "the caches answered from the database: this test shows nothing");
            long pages = n.t().memoryStats().pages();
            n.db().changes().close(); // stops listening for good: never live again
            assertEquals(List.of(), home(n.t(), n.viewer()));
            assertEquals(pages, n.t().memoryStats().pages(), "a page was decided in memory while the feed was not live");
        }
    }

}
