package dev.starling.social.timelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Page;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.relationships.Relationships;
import dev.starling.social.testing.TestDatabase;
import dev.starling.social.posts.PostWriter;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each invalidation of the in-process home feeds on its own, with a feed already cached before the
 * change: the next read must show the change.
 */
class HomeFeedsTest {

    private static Database db;
    private static Social s;
    private static int seq;

    @BeforeAll
    static void open() {
        db = TestDatabase.fresh("homefeeds", 4);
        s = TestDatabase.social(db);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static Account account(boolean locked) {
        int i = seq++;
        return s.accounts().createWithoutPassword("hfs" + i, "hfs" + i + "@example.org", "", locked).orThrow();
    }

    private static List<Long> home(Timelines t, Account viewer) {
        return t.home(viewer.id(), Page.first(40)).items().stream().map(Post::id).toList();
    }

    private static Timelines cached() {
        return new Timelines(db);
    }

    @Test
    void aFollowAfterTheFeedWasBuiltBringsTheFolloweesOlderPosts() {
        Timelines t = cached();
        Account a = account(false);
        Account b = account(false);
        long old = s.posts().create(b.id(), NewPost.of("before the follow")).orThrow().id();
        assertEquals(List.of(), home(t, a)); // feed built, empty
        s.relationships().follow(a.id(), b.id()).orThrow();
        assertEquals(List.of(old), home(t, a));
    }

    @Test
    void aFollowInsertedInAnotherTransactionPathIsSeenToo() {
        Timelines t = cached();
        Account a = account(false);
        Account b = account(false);
        long own = s.posts().create(a.id(), NewPost.of("mine")).orThrow().id();
        long old = s.posts().create(b.id(), NewPost.of("theirs")).orThrow().id();
        assertEquals(List.of(own), home(t, a));
        db.inTransaction(c -> Relationships.follow(c, a.id(), b.id(), Instant.now()).orThrow());
        assertEquals(List.of(old, own), home(t, a));
    }

    @Test
    void aPostWrittenBeforeTheFeedWasBuiltButCommittedAfterIsNotMissed() throws Exception {
        Timelines t = cached();
        Account a = account(false);
        Account b = account(false);
        s.relationships().follow(a.id(), b.id()).orThrow();
        long id;
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            id = PostWriter.insert(c, b.id(), NewPost.of("slow transaction"), Instant.now()).orThrow().id();
            assertEquals(List.of(), home(t, a)); // the feed is built while the post is uncommitted
            c.commit();
        }
        assertEquals(List.of(id), home(t, a));
    }

    @Test
    void anAcceptedFollowRequestOfALockedAccountBringsItsPosts() {
        Timelines t = cached();
        Account a = account(false);
        Account locked = account(true);
        long p = s.posts().create(locked.id(), NewPost.of("followers only", PostVisibility.PRIVATE)).orThrow().id();
        s.relationships().follow(a.id(), locked.id()).orThrow();
        assertEquals(List.of(), home(t, a)); // only requested
        s.relationships().authorize(locked.id(), a.id()).orThrow();
        assertEquals(List.of(p), home(t, a));
    }

    @Test
    void newPostsRepostsDeletionsUnfollowsBlocksAndMutesShowOnTheNextRead() {
        Timelines t = cached();
        Account a = account(false);
        Account b = account(false);
        Account c = account(false);
        s.relationships().follow(a.id(), b.id()).orThrow();
        s.relationships().follow(a.id(), c.id()).orThrow();
        assertEquals(List.of(), home(t, a));
        long p1 = s.posts().create(b.id(), NewPost.of("one")).orThrow().id();
        long p2 = s.posts().create(c.id(), NewPost.of("two")).orThrow().id();
        assertEquals(List.of(p2, p1), home(t, a));
        long rb = s.posts().reblog(c.id(), p1).orThrow().id();
        assertEquals(List.of(rb, p2, p1), home(t, a));
        s.posts().unreblog(c.id(), p1).orThrow();
        assertEquals(List.of(p2, p1), home(t, a));
        s.posts().changeVisibility(c.id(), p2, PostVisibility.DIRECT).orThrow();
        assertEquals(List.of(p1), home(t, a));
        s.posts().changeVisibility(c.id(), p2, PostVisibility.PUBLIC).orThrow();
        assertEquals(List.of(p2, p1), home(t, a));
        s.posts().delete(b.id(), p1).orThrow();
        assertEquals(List.of(p2), home(t, a));
        s.relationships().mute(a.id(), c.id(), true).orThrow();
        assertEquals(List.of(), home(t, a));
        s.relationships().unmute(a.id(), c.id()).orThrow();
        assertEquals(List.of(p2), home(t, a));
        s.relationships().unfollow(a.id(), c.id()).orThrow();
        assertEquals(List.of(), home(t, a));
        s.relationships().follow(a.id(), c.id()).orThrow();
        assertEquals(List.of(p2), home(t, a));
        s.relationships().block(c.id(), a.id()).orThrow();
        assertEquals(List.of(), home(t, a));
    }
}
