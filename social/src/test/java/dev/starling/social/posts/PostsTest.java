package dev.starling.social.posts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.SignUp;
import dev.starling.social.common.Rejection;
import dev.starling.social.db.Database;
import dev.starling.social.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostsTest {

    static Database db;
    static Social social;
    static Account alice;
    static Account bob;
    static Account carol;

    @BeforeAll
    static void up() {
        db = TestDatabase.fresh("posts");
        social = TestDatabase.social(db);
        alice = signUp("alice");
        bob = signUp("bob");
        carol = signUp("carol_with_a_very_long_name_x");
    }

    @AfterAll
    static void down() {
        db.close();
    }

    static Account signUp(String name) {
        return social.accounts().signUp(new SignUp(name, name + "@example.org", "password for " + name)).orThrow();
    }

    @Test
    void textIsValidatedByTwitterText() {
        assertEquals(Rejection.Kind.INVALID, social.posts().create(alice.id(), NewPost.of("")).rejectionOrNull().kind());
        assertEquals(Rejection.Kind.INVALID, social.posts().create(alice.id(), NewPost.of("   \n")).rejectionOrNull().kind());
        assertTrue(social.posts().create(alice.id(), NewPost.of("a".repeat(280))).isOk());
        Rejection tooLong = social.posts().create(alice.id(), NewPost.of("a".repeat(281))).rejectionOrNull();
        assertTrue(tooLong.message().contains("281"), tooLong.message());
        // CJK counts double: 140 ideographs = 280, 141 is too long.
        assertTrue(social.posts().create(alice.id(), NewPost.of("漢".repeat(140))).isOk());
        assertFalse(social.posts().create(alice.id(), NewPost.of("漢".repeat(141))).isOk());
        // A URL counts 23 whatever its length.
        String url = "https://example.org/" + "p".repeat(200);
        assertTrue(social.posts().create(alice.id(), NewPost.of(url + " " + "b".repeat(256))).isOk());
        assertEquals(Rejection.Kind.INVALID, social.posts().create(alice.id(), NewPost.of("bad \uFFFE char")).rejectionOrNull().kind());
        assertEquals(Rejection.Kind.NOT_FOUND, social.posts().create(987654321L, NewPost.of("no such author")).rejectionOrNull().kind());
        // Configurable limit.
        Social longer = Social.create(db, Social.Settings.defaults().withArgon2(TestDatabase.FAST_ARGON2).withMaxPostWeightedLength(500));
        assertTrue(longer.posts().create(alice.id(), NewPost.of("c".repeat(500))).isOk());
        assertFalse(longer.posts().create(alice.id(), NewPost.of("c".repeat(501))).isOk());
    }

    @Test
    void theCreatedViewCarriesTheAuthorAsAReadAfterCommitSeesIt() {
        // createView reads the author in the insert statement itself (before the counters' trigger ran) and counts
        // the new post there: a fresh account (no stored counters yet), then the same account again, and a missing one
        Account dave = signUp("dave_first_post");
        for (int i = 1; i <= 3; i++) {
            PostView v = social.posts().createView(dave.id(), NewPost.of("post number " + i + " #n" + i)).orThrow();
            Account stored = social.accounts().byId(dave.id()).orElseThrow();
            assertEquals(stored, v.author(), "post " + i);
            assertEquals(i, v.author().statusesCount());
            assertEquals(v.post().createdAt(), v.author().lastStatusAt());
        }
        assertEquals(Rejection.Kind.NOT_FOUND, social.posts().createView(987654321L, NewPost.of("no such author")).rejectionOrNull().kind());
        assertEquals(Rejection.Kind.INVALID, social.posts().createView(dave.id(), new NewPost("x", null, null, null, "not a language", false, null))
                .rejectionOrNull().kind());
    }

    @Test
    void entitiesAreExtractedAndMentionsResolved() {
        Post p = social.posts().create(alice.id(), NewPost.of(
                "Hello @bob and @Carol_with_a_very_long_name_x and @nobody #Java #java #Starling $TWTR see https://starling.dev/x")).orThrow();
        assertEquals(List.of("Java", "Starling"), p.entities().hashtags());
        assertEquals(List.of("TWTR"), p.entities().cashtags());
        assertEquals(List.of("https://starling.dev/x"), p.entities().urls());
        assertEquals(2, p.entities().mentions().size(), p.entities().mentions().toString());
        assertTrue(p.entities().mentions(bob.id()));
        assertTrue(p.entities().mentions(carol.id()), "30-char usernames are resolved beyond twitter-text's 20");
        // Hashtags with combining marks (Devanagari) are extracted and findable.
        Post hindi = social.posts().create(alice.id(), NewPost.of("नमस्ते दुनिया #नमस्ते")).orThrow();
        assertEquals(List.of("नमस्ते"), hindi.entities().hashtags());
        assertEquals(List.of(hindi.id()), social.timelines().hashtag(null, "#नमस्ते", dev.starling.social.common.Page.first()).items()
                .stream().map(Post::id).toList());
    }

    @Test
    void repliesFormThreadsAndNotifyTheParentAuthor() {
        Post root = social.posts().create(alice.id(), NewPost.of("root")).orThrow();
        Post r1 = social.posts().create(bob.id(), NewPost.of("reply").replyTo(root.id())).orThrow();
        Post r2 = social.posts().create(alice.id(), NewPost.of("reply to reply").replyTo(r1.id())).orThrow();
        assertEquals(root.id(), r1.inReplyToId());
        assertEquals(alice.id(), r1.inReplyToAccountId());
        assertEquals(root.id(), r1.threadRootId());
        assertEquals(root.id(), r2.threadRootId());
        assertNull(root.threadRootId());
        assertTrue(r1.entities().mentions(alice.id()), "the parent's author is mentioned");
        assertEquals(Rejection.Kind.NOT_FOUND, social.posts().create(bob.id(), NewPost.of("x").replyTo(999)).rejectionOrNull().kind());
        PostView v = social.posts().view(alice.id(), root.id()).orElseThrow();
        assertEquals(1, v.repliesCount());
    }

    @Test
    void directAndPrivatePostsAreHiddenFromOthers() {
        Post d = social.posts().create(alice.id(), NewPost.of("secret for @bob", PostVisibility.DIRECT)).orThrow();
        assertTrue(social.posts().get(bob.id(), d.id()).isPresent());
        assertTrue(social.posts().get(carol.id(), d.id()).isEmpty());
        assertTrue(social.posts().get(null, d.id()).isEmpty());
        Post priv = social.posts().create(alice.id(), NewPost.of("followers only", PostVisibility.PRIVATE)).orThrow();
        assertTrue(social.posts().get(carol.id(), priv.id()).isEmpty());
        social.relationships().follow(carol.id(), alice.id()).orThrow();
        assertTrue(social.posts().get(carol.id(), priv.id()).isPresent());
        // Cannot reply to what one cannot see.
        assertEquals(Rejection.Kind.NOT_FOUND, social.posts().create(carol.id(), NewPost.of("x").replyTo(d.id())).rejectionOrNull().kind());
    }

    @Test
    void repostsFavouritesBookmarksAndQuotes() {
        Post p = social.posts().create(alice.id(), NewPost.of("boost me")).orThrow();
        Post rb = social.posts().reblog(bob.id(), p.id()).orThrow();
        assertEquals(p.id(), rb.reblogOfId());
        assertEquals(rb.id(), social.posts().reblog(bob.id(), rb.id()).orThrow().id(), "reposting again is idempotent, via the repost id too");
        social.posts().favourite(bob.id(), rb.id()).orThrow();
        social.posts().favourite(bob.id(), p.id()).orThrow();
        social.posts().bookmark(bob.id(), p.id()).orThrow();
        PostView v = social.posts().view(bob.id(), rb.id()).orElseThrow();
        assertEquals(p.id(), v.reblog().post().id());
        assertEquals(1, v.reblog().reblogsCount());
        assertEquals(1, v.reblog().favouritesCount());
        assertTrue(v.reblog().favourited());
        assertTrue(v.reblog().reblogged());
        assertTrue(v.reblog().bookmarked());
        Post q = social.posts().create(carol.id(), NewPost.of("quoting").quoting(p.id())).orThrow();
        assertEquals(p.id(), q.quoteOfId());
        assertEquals(p.id(), social.posts().view(null, q.id()).orElseThrow().quote().post().id());
        Post d = social.posts().create(alice.id(), NewPost.of("dm @bob", PostVisibility.DIRECT)).orThrow();
        assertEquals(Rejection.Kind.FORBIDDEN, social.posts().reblog(bob.id(), d.id()).rejectionOrNull().kind());
        assertEquals(Rejection.Kind.FORBIDDEN, social.posts().create(bob.id(), NewPost.of("q").quoting(d.id())).rejectionOrNull().kind());
        social.posts().unreblog(bob.id(), p.id()).orThrow();
        social.posts().unfavourite(bob.id(), p.id()).orThrow();
        PostView after = social.posts().view(bob.id(), p.id()).orElseThrow();
        assertEquals(0, after.reblogsCount());
        assertFalse(after.favourited());
        assertTrue(social.posts().get(bob.id(), rb.id()).isEmpty(), "the repost row is gone");
    }

    @Test
    void deleteIsAuthorOnlyAndCascadesReposts() {
        Post p = social.posts().create(alice.id(), NewPost.of("to delete")).orThrow();
        Post rb = social.posts().reblog(bob.id(), p.id()).orThrow();
        Post reply = social.posts().create(bob.id(), NewPost.of("reply").replyTo(p.id())).orThrow();
        assertEquals(Rejection.Kind.FORBIDDEN, social.posts().delete(bob.id(), p.id()).rejectionOrNull().kind());
        assertEquals("to delete", social.posts().delete(alice.id(), p.id()).orThrow().text());
        assertTrue(social.posts().get(alice.id(), p.id()).isEmpty());
        assertTrue(social.posts().get(bob.id(), rb.id()).isEmpty());
        assertEquals(p.id(), social.posts().get(bob.id(), reply.id()).orElseThrow().inReplyToId(), "replies keep in_reply_to_id");
        assertEquals(Rejection.Kind.NOT_FOUND, social.posts().delete(alice.id(), p.id()).rejectionOrNull().kind());
    }

    @Test
    void visibilityChangeAppliesToReposts() {
        Post p = social.posts().create(alice.id(), NewPost.of("was public")).orThrow();
        Post rb = social.posts().reblog(bob.id(), p.id()).orThrow();
        assertTrue(social.posts().get(null, rb.id()).isPresent());
        assertEquals(PostVisibility.PRIVATE, social.posts().changeVisibility(alice.id(), p.id(), PostVisibility.PRIVATE).orThrow().visibility());
        assertTrue(social.posts().get(null, p.id()).isEmpty());
        assertTrue(social.posts().get(null, rb.id()).isEmpty(), "a repost's visibility is its original's");
        assertEquals(Rejection.Kind.NOT_FOUND, social.posts().changeVisibility(bob.id(), p.id(), PostVisibility.PUBLIC).rejectionOrNull().kind(),
                "bob no longer sees it");
        Post open = social.posts().create(alice.id(), NewPost.of("still public")).orThrow();
        assertEquals(Rejection.Kind.FORBIDDEN, social.posts().changeVisibility(bob.id(), open.id(), PostVisibility.DIRECT).rejectionOrNull().kind());
    }

    @Test
    void spoilerAndLanguageLimits() {
        Post p = social.posts().create(alice.id(), NewPost.of("cw").withSpoiler("spoiler").withLanguage("en")).orThrow();
        assertTrue(p.sensitive());
        assertEquals("spoiler", p.spoilerText());
        assertEquals("en", p.language());
        assertEquals(Rejection.Kind.INVALID, social.posts().create(alice.id(), NewPost.of("x").withLanguage("english!")).rejectionOrNull().kind());
        assertEquals(Rejection.Kind.INVALID, social.posts().create(alice.id(), NewPost.of("x").withSpoiler("s".repeat(501))).rejectionOrNull().kind());
    }
    @Test
    void aReposterCanAlwaysRemoveTheirRepostEvenOfAPostTheyNoLongerSee() {
        Account dave = signUp("dave_reposter");
        Account erin = signUp("erin_reposter");
        for (PostVisibility later : List.of(PostVisibility.PRIVATE, PostVisibility.DIRECT)) {
            for (boolean byRepostId : List.of(false, true)) {
                Post p = social.posts().create(alice.id(), NewPost.of("soon hidden " + later + " " + byRepostId)).orThrow();
                Post repost = social.posts().reblog(dave.id(), p.id()).orThrow();
                Post other = social.posts().reblog(erin.id(), p.id()).orThrow();
                social.posts().changeVisibility(alice.id(), p.id(), later).orThrow();
                assertTrue(social.posts().get(dave.id(), p.id()).isEmpty(), "dave no longer sees the " + later + " post");
                Post answered = social.posts().unreblog(dave.id(), byRepostId ? repost.id() : p.id()).orThrow();
                assertEquals(p.id(), answered.id());
                assertTrue(social.posts().view(dave.id(), p.id()).isEmpty(), "the answer must not be shown to dave");
                assertTrue(social.posts().get(alice.id(), repost.id()).isEmpty(), "dave's repost is gone");
                assertTrue(social.posts().get(alice.id(), other.id()).isPresent(), "erin's repost stays");
                assertTrue(social.posts().get(alice.id(), p.id()).isPresent(), "the original stays");
                // someone who never reposted it still gets NOT_FOUND, and learns nothing
                assertEquals(Rejection.Kind.NOT_FOUND, social.posts().unreblog(bob.id(), p.id()).rejectionOrNull().kind());
            }
        }
    }
}
