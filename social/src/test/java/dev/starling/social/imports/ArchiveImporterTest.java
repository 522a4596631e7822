package dev.starling.social.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Page;
import dev.starling.social.common.Rejection;
import dev.starling.social.db.Database;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.testing.TestDatabase;
import dev.starling.social.timelines.AccountFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveImporterTest {

    static Database db;
    static Social social;

    @BeforeAll
    static void up() {
        db = TestDatabase.fresh("imports");
        social = TestDatabase.social(db);
        social.accounts().createWithoutPassword("bob", "bob@example.org", "", false).orThrow();
    }

    @AfterAll
    static void down() {
        db.close();
    }

    static final String TWEETS = """
            window.YTD.tweets.part0 = [
              {"tweet": {"id_str": "1002", "full_text": "@bob replying to myself &amp; friends", "created_at": "Wed Oct 10 20:25:00 +0000 2018",
                         "in_reply_to_status_id_str": "1001", "lang": "en"}},
              {"tweet": {"id_str": "1001", "full_text": "First tweet with a link https://t.co/abc #history", "created_at": "Wed Oct 10 20:19:24 +0000 2018",
                         "entities": {"urls": [{"url": "https://t.co/abc", "expanded_url": "https://example.org/article"}]}}},
              {"tweet": {"id_str": "1003", "full_text": "RT @someone: not mine", "created_at": "Thu Oct 11 08:00:00 +0000 2018"}},
              {"tweet": {"id_str": "1004", "full_text": "Reply to a tweet outside the archive", "created_at": "Thu Oct 11 09:00:00 +0000 2018",
                         "in_reply_to_status_id_str": "999"}}
            ]
            """;

    static final String OUTBOX = """
            {"@context": "https://www.w3.org/ns/activitystreams", "id": "https://m.example/users/a/outbox", "type": "OrderedCollection",
             "totalItems": 4, "orderedItems": [
              {"type": "Create", "id": "https://m.example/users/a/statuses/1/activity", "object": {"type": "Note",
                "id": "https://m.example/users/a/statuses/1", "published": "2023-01-02T10:00:00Z",
                "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": ["https://m.example/users/a/followers"],
                "content": "<p>Hello &lt;world&gt;</p><p>second paragraph<br>line</p>", "contentMap": {"en": "x"}}},
              {"type": "Create", "id": "https://m.example/users/a/statuses/2/activity", "object": {"type": "Note",
                "id": "https://m.example/users/a/statuses/2", "published": "2023-01-02T11:00:00Z", "inReplyTo": "https://m.example/users/a/statuses/1",
                "to": ["https://m.example/users/a/followers"], "cc": [], "content": "<p>followers only reply</p>",
                "summary": "cw here", "sensitive": true}},
              {"type": "Announce", "id": "https://m.example/users/a/statuses/3/activity", "object": "https://other.example/notes/9"},
              {"type": "Create", "id": "https://m.example/users/a/statuses/4/activity", "object": {"type": "Note",
                "id": "https://m.example/users/a/statuses/4", "published": "2023-01-03T11:00:00Z",
                "to": ["https://other.example/users/z"], "cc": [], "content": "<p>a DM</p>"}},
              {"type": "Create", "id": "https://m.example/users/a/statuses/5/activity", "object": {"type": "Note",
                "id": "https://m.example/users/a/statuses/5", "published": "2023-01-04T11:00:00Z",
                "to": [], "cc": ["https://www.w3.org/ns/activitystreams#Public"], "content": "<p>unlisted</p>"}}
             ]}
            """;

    @Test
    void twitterArchiveIsImportedOnceWithThreadsAndHistory(@TempDir Path dir) throws Exception {
        Account me = social.accounts().createWithoutPassword("tweeter", "tweeter@example.org", "", false).orThrow();
        Path file = dir.resolve("tweets.js");
        Files.writeString(file, TWEETS);
        List<long[]> calls = new ArrayList<>();
        ImportResult r = social.importer().importTwitter(me.id(), file, (p, t, i, s) -> calls.add(new long[] {p, t, i, s})).orThrow();
        assertEquals(4, r.read());
        assertEquals(3, r.imported());
        assertEquals(1, r.skipped(), r.skipReasons().toString());
        assertTrue(r.skipReasons().getFirst().contains("retweet"));
        assertEquals(List.of(0L, 4L, 0L, 0L), List.of(calls.getFirst()[0], calls.getFirst()[1], calls.getFirst()[2], calls.getFirst()[3]));
        assertEquals(4, calls.getLast()[0]);

        List<Post> posts = social.timelines().account(null, me.id(), AccountFilter.NONE, Page.first()).items();
        assertEquals(List.of("Reply to a tweet outside the archive", "@bob replying to myself & friends",
                "First tweet with a link https://example.org/article #history"), posts.stream().map(Post::text).toList());
        Post first = posts.get(2);
        assertEquals(Instant.parse("2018-10-10T20:19:24Z"), first.createdAt());
        assertEquals(first.id(), posts.get(1).inReplyToId(), "reply structure kept");
        assertNull(posts.get(0).inReplyToId(), "a parent outside the archive is dropped");
        assertTrue(posts.get(1).entities().mentions().isEmpty(), "imported handles are not linked to local accounts");
        assertEquals(List.of("history"), first.entities().hashtags());
        Account bob = social.accounts().byUsername("bob").orElseThrow();
        assertTrue(social.notifications().list(bob.id(), Page.first(), null, null).isEmpty(), "imports notify nobody");

        ImportResult again = social.importer().importTwitter(me.id(), file, ImportProgress.NONE).orThrow();
        assertEquals(0, again.imported());
        assertEquals(3, again.alreadyImported());
        assertEquals(3, social.timelines().account(null, me.id(), AccountFilter.NONE, Page.first()).items().size());
    }

    @Test
    void mastodonOutboxIsImportedWithVisibilityAndIdempotently(@TempDir Path dir) throws Exception {
        Account me = social.accounts().createWithoutPassword("tooter", "tooter@example.org", "", false).orThrow();
        Path file = dir.resolve("outbox.json");
        Files.writeString(file, OUTBOX);
        ImportResult r = social.importer().importMastodon(me.id(), file, ImportProgress.NONE).orThrow();
        assertEquals(5, r.read());
        assertEquals(3, r.imported());
        assertEquals(2, r.skipped(), "boost and DM skipped: " + r.skipReasons());
        List<Post> posts = social.timelines().account(me.id(), me.id(), AccountFilter.NONE, Page.first()).items();
        assertEquals(3, posts.size());
        Post unlisted = posts.get(0);
        Post reply = posts.get(1);
        Post root = posts.get(2);
        assertEquals("Hello <world>\n\nsecond paragraph\nline", root.text());
        assertEquals("en", root.language());
        assertEquals(PostVisibility.PUBLIC, root.visibility());
        assertEquals(PostVisibility.PRIVATE, reply.visibility());
        assertEquals(root.id(), reply.inReplyToId());
        assertEquals("cw here", reply.spoilerText());
        assertTrue(reply.sensitive());
        assertEquals(PostVisibility.UNLISTED, unlisted.visibility());
        assertEquals(3, social.importer().importMastodon(me.id(), file, ImportProgress.NONE).orThrow().alreadyImported());
    }

    @Test
    void malformedFilesAreRejectedWithFileAndOffset(@TempDir Path dir) throws Exception {
        Account me = social.accounts().createWithoutPassword("broken", "broken@example.org", "", false).orThrow();
        Path bad = dir.resolve("tweets.js");
        Files.writeString(bad, "window.YTD.tweets.part0 = [ {\"tweet\": {\"id_str\": \"1\", ");
        Rejection r = social.importer().importTwitter(me.id(), bad, ImportProgress.NONE).rejectionOrNull();
        assertEquals(Rejection.Kind.INVALID, r.kind());
        assertTrue(r.message().contains(bad.toString()) && r.message().contains("offset"), r.message());
        Path notOutbox = dir.resolve("outbox.json");
        Files.writeString(notOutbox, "{\"type\": \"OrderedCollection\", \"items\": []}");
        Rejection r2 = social.importer().importMastodon(me.id(), notOutbox, ImportProgress.NONE).rejectionOrNull();
        assertTrue(r2.message().contains("orderedItems"), r2.message());
        Path ok = dir.resolve("ok.json");
        Files.writeString(ok, OUTBOX);
        assertEquals(Rejection.Kind.NOT_FOUND, social.importer().importMastodon(424242, ok, ImportProgress.NONE).rejectionOrNull().kind());
        Path empty = dir.resolve("empty.js");
        Files.writeString(empty, "");
        assertEquals(Rejection.Kind.INVALID, social.importer().importTwitter(me.id(), empty, ImportProgress.NONE).rejectionOrNull().kind());
    }
}
