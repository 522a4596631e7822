package dev.starling.social.posts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.changes.Change;
import dev.starling.social.db.Database;
import dev.starling.social.testing.TestDatabase;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link PostCache}: posts equal to the rows ({@link PostRows#loadMany}), changes and deletions seen on
 * the next read, deleted posts answered without a load, absence never cached (a post committed after a
 * miss is found), loads racing with changes never leave a stale post, no caching while the feed is not
 * live, and a reset drops everything.
 */
class PostCacheTest {

    private static Database db;
    private static Social s;
    private static Account author;
    private static Account named;

    @BeforeAll
    static void open() {
        db = TestDatabase.fresh("postcache", 6);
        s = TestDatabase.social(db);
        author = s.accounts().createWithoutPassword("pc_author", "pc_author@example.org", "", false).orThrow();
        named = s.accounts().createWithoutPassword("pc_named", "pc_named@example.org", "", false).orThrow();
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static void delivered() {
        assertTrue(db.changes().awaitLocalWrites(), "the change feed is not live");
    }

    private static Map<Long, Post> rows(List<Long> ids) {
        return db.read(c -> PostRows.loadMany(c, ids));
    }

    @Test
    void postsEqualTheRowsAndFollowChangesAndDeletions() {
        PostCache cache = PostCache.subscribed(db, 1_000);
        long p = s.posts().create(author.id(), NewPost.of("hello @pc_named #tag https://example.org")).orThrow().id();
        long reply = s.posts().create(named.id(), NewPost.of("answer", PostVisibility.PRIVATE).replyTo(p)).orThrow().id();
        long repost = s.posts().reblog(named.id(), p).orThrow().id();
        List<Long> ids = List.of(p, reply, repost);
        delivered();
        assertEquals(rows(ids), cache.posts(ids));
        assertEquals(rows(ids), cache.posts(ids));
        assertTrue(cache.stats().hits() >= 3, cache.stats().toString());
        s.posts().changeVisibility(author.id(), p, PostVisibility.DIRECT).orThrow();
        delivered();
        assertEquals(PostVisibility.DIRECT, cache.posts(List.of(p)).get(p).visibility());
        assertEquals(rows(ids), cache.posts(ids)); // the repost's row changed with it
        s.posts().delete(author.id(), p).orThrow(); // the repost goes with it (cascade)
        delivered();
        long loads = cache.stats().loads();
        long absent = cache.stats().absent();
        assertEquals(rows(ids), cache.posts(ids));
        assertEquals(Map.of(), cache.posts(List.of(p, repost)));
        assertEquals(loads, cache.stats().loads());
        assertEquals(absent, cache.stats().absent(), "a deleted post was looked up in the database");
        assertNull(cache.cached(p));
    }

    @Test
    void absenceIsNotCached() throws Exception {
        PostCache cache = PostCache.subscribed(db, 1_000);
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            long id = PostWriter.insert(c, author.id(), NewPost.of("slow"), Instant.now()).orThrow().id();
            assertEquals(Map.of(), cache.posts(List.of(id)));
            c.commit();
            assertEquals(rows(List.of(id)), cache.posts(List.of(id)));
        }
    }

    @Test
    void loadsRacingWithChangesNeverLeaveAStalePost() throws InterruptedException {
        PostCache cache = PostCache.subscribed(db, 1_000);
        long p = s.posts().create(author.id(), NewPost.of("toggled")).orThrow().id();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            readers.add(Thread.ofPlatform().start(() -> {
                try {
                    while (!stop.get()) {
                        cache.posts(List.of(p));
                        LockSupport.parkNanos(20_000); // race the changes without starving the writer of a core
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            }));
        }
        try {
            for (int i = 0; i < 80; i++) {
                PostVisibility v = i % 2 == 0 ? PostVisibility.PRIVATE : PostVisibility.PUBLIC;
                s.posts().changeVisibility(author.id(), p, v).orThrow();
                delivered();
                assertEquals(v, cache.posts(List.of(p)).get(p).visibility(), "round " + i + ": a stale post survived; " + cache.stats());
            }
        } finally {
            stop.set(true);
            for (Thread t : readers) {
                t.join();
            }
        }
        assertNull(failed.get());
        System.out.println("PostCacheTest race: " + cache.stats());
    }

    @Test
    void aLoadOvertakenByAChangeIsNotInstalled() {
        PostCache cache = PostCache.subscribed(db, 1_000);
        long p = s.posts().create(author.id(), NewPost.of("overtaken")).orThrow().id();
        delivered();
        // The visibility change commits and is delivered after the load read the row and before the load installs it.
        cache.betweenLoadAndInstall = () -> {
            cache.betweenLoadAndInstall = null;
            s.posts().changeVisibility(author.id(), p, PostVisibility.PRIVATE).orThrow();
            delivered();
        };
        assertEquals(PostVisibility.PUBLIC, cache.posts(List.of(p)).get(p).visibility()); // what the load read
        assertEquals(PostVisibility.PRIVATE, cache.posts(List.of(p)).get(p).visibility(), "the overtaken load was installed: " + cache.stats());
        assertEquals(1, cache.stats().refused());
    }

    @Test
    void aCacheWhoseFeedIsNotLiveReadsTheDatabaseEveryTime() {
        PostCache cache = new PostCache(db, () -> false, 1_000);
        long p = s.posts().create(author.id(), NewPost.of("not live")).orThrow().id();
        assertEquals(rows(List.of(p)), cache.posts(List.of(p)));
        assertNull(cache.cached(p));
        assertEquals(new PostCache.Stats(0, 0, 0, 0, 1), cache.stats());
    }

    @Test
    void aResetDropsEverything() {
        PostCache cache = PostCache.subscribed(db, 1_000);
        long p = s.posts().create(author.id(), NewPost.of("reset")).orThrow().id();
        delivered();
        cache.posts(List.of(p));
        assertEquals(p, cache.cached(p).id());
        cache.onChange(Change.RESET);
        assertNull(cache.cached(p));
    }
}
