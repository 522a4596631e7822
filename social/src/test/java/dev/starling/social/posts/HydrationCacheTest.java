package dev.starling.social.posts;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.ProfileUpdate;
import dev.starling.social.accounts.SignUp;
import dev.starling.social.changes.ChangeFeed;
import dev.starling.social.db.Database;
import dev.starling.social.testing.TestDatabase;
import dev.starling.social.visibility.ViewerCache;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pages hydrated from memory ({@link HydrationCache}) are exactly the pages hydrated through SQL
 * ({@link PostViews#hydrate}) after every random operation that changes a count, a flag, an author
 * or a post: likes, bookmarks, reposts and their removal, replies, quotes, deletions, visibility
 * changes, follows, profile edits; made through the services (checked at once: read your writes)
 * and by another process (a second pool on the same database, checked once delivered). Seeded:
 * {@code -Dtests.seed=N} replays a run.
 */
class HydrationCacheTest {

    static Database db;
    static Database other;
    static Social social;
    static Social otherSocial;
    static ChangeFeed feed;
    static PostCache postCache;
    static HydrationCache cache;
    static HydrationCache quotesInSql;

    @BeforeAll
    static void up() {
        db = TestDatabase.fresh("hydration_cache");
        other = Database.open(new Database.Config(db.hikari().getJdbcUrl(), db.hikari().getUsername(), null, 2));
        social = TestDatabase.social(db);
        otherSocial = TestDatabase.social(other);
        feed = db.changes();
        postCache = PostCache.subscribed(db, 1_000);
        cache = new HydrationCache(db, feed::awaitLocalWrites, postCache, ViewerCache.subscribed(db, 100_000), 1_000);
        quotesInSql = new HydrationCache(db, feed::awaitLocalWrites, postCache, 1_000);
        feed.subscribe(quotesInSql);
        feed.subscribe(cache);
    }

    @AfterAll
    static void down() {
        other.close();
        db.close();
    }

    @Test
    void memoryAndSqlHydrateAlikeAfterEveryOperation() throws Exception {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("HydrationCacheTest seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random r = new Random(seed);
        int quotes = 0;
        awaitLive();
        List<Account> accounts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            accounts.add(social.accounts().signUp(new SignUp("hyd" + i, "hyd" + i + "@example.org", "correct horse battery staple")).orThrow());
        }
        List<Long> posts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            posts.add(social.posts().create(accounts.get(i % 6).id(), NewPost.of("first " + i)).orThrow().id());
        }
        for (int step = 0; step < 150; step++) {
            boolean remote = r.nextInt(4) == 0;
            Social s = remote ? otherSocial : social;
            String op = step(s, r, accounts, posts, step);
            for (Account viewer : accounts) {
                List<Post> page = page(viewer.id(), posts, r);
                List<PostView> expected = social.posts().viewsUncached(viewer.id(), page);
                for (HydrationCache c : List.of(cache, quotesInSql)) {
                    List<PostView> actual = remote ? awaitEqual(c, viewer.id(), page, expected) : c.hydrate(viewer.id(), page);
                    assertTrue(expected.equals(actual), "seed " + seed + ", step " + step + " (" + op + (remote ? ", another process" : "")
                            + "), viewer " + viewer.username() + (c == cache ? "" : ", quotes in SQL") + ": " + difference(expected, actual));
                }
            }
            List<Post> anonymousPage = page(null, posts, r);
            List<PostView> expected = social.posts().viewsUncached(null, anonymousPage);
            assertTrue(expected.equals(remote ? awaitEqual(cache, null, anonymousPage, expected) : cache.hydrate(null, anonymousPage)),
                    "seed " + seed + ", step " + step + ", anonymous: memory and SQL differ");
            quotes += (int) anonymousPage.stream().filter(p -> p.quoteOfId() != null).count();
        }
        HydrationCache.Stats stats = cache.stats();
        assertTrue(stats.hits() > stats.loads(), "most parts came from memory: " + stats);
        assertTrue(quotes > 0, "the pages held quotes");
    }

    @Test
    void aCacheThatIsNotLiveAnswersNothing() {
        HydrationCache down = new HydrationCache(db, () -> false, postCache, 10);
        assertNull(down.hydrate(null, List.of()));
    }

    /** A random operation; refusals (a like of a post since deleted) are part of the test. */
    private static String step(Social s, Random r, List<Account> accounts, List<Long> posts, int step) {
        long actor = accounts.get(r.nextInt(accounts.size())).id();
        long target = accounts.get(r.nextInt(accounts.size())).id();
        long post = posts.get(r.nextInt(posts.size()));
        int op = r.nextInt(100);
        if (op < 15) {
            s.posts().favourite(actor, post);
            return "favourite";
        } else if (op < 22) {
            s.posts().unfavourite(actor, post);
            return "unfavourite";
        } else if (op < 30) {
            s.posts().bookmark(actor, post);
            return "bookmark";
        } else if (op < 35) {
            s.posts().unbookmark(actor, post);
            return "unbookmark";
        } else if (op < 45) {
            s.posts().reblog(actor, post).map(p -> posts.add(p.id()));
            return "reblog";
        } else if (op < 50) {
            s.posts().unreblog(actor, post);
            return "unreblog";
        } else if (op < 60) {
            s.posts().create(actor, NewPost.of("reply " + step).replyTo(post)).map(p -> posts.add(p.id()));
            return "reply";
        } else if (op < 65) {
            s.posts().create(actor, NewPost.of("quote " + step).quoting(post)).map(p -> posts.add(p.id()));
            return "quote";
        } else if (op < 72) {
            PostVisibility v = PostVisibility.values()[r.nextInt(PostVisibility.values().length)];
            posts.add(s.posts().create(actor, NewPost.of("post " + step, v)).orThrow().id());
            return "post";
        } else if (op < 77) {
            s.posts().delete(actor, post);
            return "delete";
        } else if (op < 81) {
            s.posts().changeVisibility(actor, post, PostVisibility.values()[r.nextInt(PostVisibility.values().length)]);
            return "visibility";
        } else if (op < 88 && actor != target) {
            s.relationships().follow(actor, target);
            return "follow";
        } else if (op < 92 && actor != target) {
            s.relationships().unfollow(actor, target);
            return "unfollow";
        } else if (op < 96) {
            s.accounts().updateProfile(actor, new ProfileUpdate("name " + step, null, null, null, null, null, null));
            return "profile";
        } else {
            // A plain SQL write, as psql would make it: the counters' triggers and V6's announce it all the same.
            s.database().withConnection(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("UPDATE accounts SET note = 'edited " + step + "' WHERE id = " + actor);
                }
                return null;
            });
            return "sql update";
        }
    }

    /** Up to 20 of the posts that exist, in random order, whatever their visibility (hydration trusts its caller). */
    private static List<Post> page(Long viewer, List<Long> ids, Random r) {
        List<Long> pick = new ArrayList<>(ids);
        java.util.Collections.shuffle(pick, r);
        pick = pick.subList(0, Math.min(20, pick.size()));
        List<Long> chosen = pick;
        return db.read(c -> {
            java.util.Map<Long, Post> rows = PostRows.loadMany(c, chosen);
            List<Post> out = new ArrayList<>();
            for (Long id : chosen) {
                if (rows.containsKey(id)) {
                    out.add(rows.get(id));
                }
            }
            return out;
        });
    }

    /** The first view where memory and SQL differ, both written out (whole pages are too long to read). */
    private static String difference(List<PostView> sql, List<PostView> memory) {
        if (memory == null || sql.size() != memory.size()) {
            return "SQL gave " + sql.size() + " views, memory " + (memory == null ? "none" : memory.size());
        }
        for (int i = 0; i < sql.size(); i++) {
            if (!sql.get(i).equals(memory.get(i))) {
                return "view " + i + ": SQL " + sql.get(i) + "\n  memory " + memory.get(i);
            }
        }
        return "equal";
    }

    /** Another process's change arrives shortly after its commit: wait (bounded) until memory agrees with SQL. */
    private static List<PostView> awaitEqual(HydrationCache c, Long viewer, List<Post> page, List<PostView> expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<PostView> actual = c.hydrate(viewer, page);
        while (!expected.equals(actual) && System.nanoTime() < deadline) {
            Thread.sleep(5);
            actual = c.hydrate(viewer, page);
        }
        return actual;
    }

    private static void awaitLive() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!feed.live()) {
            assertTrue(System.nanoTime() < deadline, "the change feed did not go live");
            Thread.sleep(10);
        }
    }
}
