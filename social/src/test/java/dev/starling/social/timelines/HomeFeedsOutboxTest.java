package dev.starling.social.timelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Page;
import dev.starling.social.db.Database;
import dev.starling.social.outbox.EventType;
import dev.starling.social.outbox.OutboxWriter;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.testing.TestDatabase;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A post written by another process (here: rows inserted with SQL, as another server or an import
 * against the same PostgreSQL would, so this process's post log never hears of it) reaches a home feed
 * that was cached before it, through the outbox's post.created events; without the feeder it would not.
 */
class HomeFeedsOutboxTest {
    private static Database db;
    private static Social s;

    @BeforeAll
    static void open() {
        db = TestDatabase.fresh("homefeeds_outbox", 4);
        s = TestDatabase.social(db);
        // No change feed: its POST_CREATED changes would bring the other process's post into the (process-wide) post log,
        // through any Timelines listening on this database (the services' own), and the outbox would not be under test.
        db.changes().close();
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static List<Long> home(Timelines t, Account viewer) {
        return t.home(viewer.id(), Page.first(40)).items().stream().map(Post::id).toList();
    }

    /** Inserts a post by {@code author} and its post.created event in one transaction, outside PostWriter. */
    private static long insertAsAnotherProcess(Account author, String text) {
        return db.inTransaction(c -> {
            long id;
            try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(id), 0) + 1000 FROM posts"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO posts (id, author_id, text, visibility, created_at) VALUES (?, ?, ?, 0, ?)")) {
                ps.setLong(1, id);
                ps.setLong(2, author.id());
                ps.setString(3, text);
                ps.setTimestamp(4, Timestamp.from(Instant.now()));
                ps.executeUpdate();
            }
            OutboxWriter.append(c, EventType.POST_CREATED, id, author.id(), Map.of("visibility", "public"));
            return id;
        });
    }

    @Test
    void anotherProcesssPostReachesACachedFeedThroughTheOutbox() {
        Account reader = s.accounts().createWithoutPassword("hfo_reader", "hfo_reader@example.org", "", false).orThrow();
        Account author = s.accounts().createWithoutPassword("hfo_author", "hfo_author@example.org", "", false).orThrow();
        s.relationships().follow(reader.id(), author.id()).orThrow();
        long first = s.posts().create(author.id(), NewPost.of("written here")).orThrow().id();

        // SQL-only feeds (no change feed, whose post changes would bring the post too): the outbox alone is under test
        Timelines feeding = new Timelines(db, HomeFeeds.Settings.defaults(), 0, null);
        Timelines notFeeding = new Timelines(db, HomeFeeds.Settings.defaults(), 3_600_000, null); // polls once an hour: never here
        assertEquals(List.of(first), home(feeding, reader));
        assertEquals(List.of(first), home(notFeeding, reader));

        long other = insertAsAnotherProcess(author, "written by another process");
        assertEquals(List.of(other, first), feeding.homeUncached(reader.id(), Page.first(40)).items().stream().map(Post::id).toList());
        // the feed cached before the insert misses it without the outbox ...
        assertFalse(home(notFeeding, reader).contains(other), "a cached feed saw the post without polling: the test shows nothing");
        // ... and has it once the outbox was polled
        assertTrue(feeding.outboxFeeder().pollNow() >= 1);
        assertEquals(List.of(other, first), home(feeding, reader));
        assertTrue(feeding.homeFeedStats().contains("from_outbox="), feeding.homeFeedStats());

        // a post written here is in the log already; polling it again changes nothing
        long third = s.posts().create(author.id(), NewPost.of("written here again")).orThrow().id();
        feeding.outboxFeeder().pollNow();
        assertEquals(List.of(third, other, first), home(feeding, reader));
        assertEquals(feeding.homeUncached(reader.id(), Page.first(40)).items().stream().map(Post::id).toList(), home(feeding, reader));
    }

    @Test
    void homeReadsStartPollsInTheBackground() throws InterruptedException {
        Account reader = s.accounts().createWithoutPassword("hfo_reader2", "hfo_reader2@example.org", "", false).orThrow();
        Account author = s.accounts().createWithoutPassword("hfo_author2", "hfo_author2@example.org", "", false).orThrow();
        s.relationships().follow(reader.id(), author.id()).orThrow();
        Timelines feeding = new Timelines(db, HomeFeeds.Settings.defaults(), 0, null);
        assertEquals(List.of(), home(feeding, reader));
        long other = insertAsAnotherProcess(author, "another process again");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!home(feeding, reader).contains(other)) {
            assertTrue(System.nanoTime() < deadline, "the post did not reach the feed within 10 s of home reads");
            Thread.sleep(20);
        }
    }
}
