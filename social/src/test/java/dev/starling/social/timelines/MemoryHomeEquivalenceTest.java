package dev.starling.social.timelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Outcome;
import dev.starling.social.common.Page;
import dev.starling.social.db.Database;
import dev.starling.social.db.EmbeddedDatabase;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostCache;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.relationships.Relationships;
import dev.starling.social.testing.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded randomized test that the home timeline decided in memory ({@link MemoryHome}: feeds, {@link PostCache},
 * {@link dev.starling.social.visibility.ViewerCache}, kept current by the change feed) equals the one read from the
 * database alone ({@link Timelines#homeUncached}), page by page with every kind of cursor, after random operations
 * made three ways: through this process's services; through the services of "another process" (a second
 * {@link Database} and {@link Social} on the same PostgreSQL, which this process hears of only through the change
 * feed); and with plain SQL on that other connection pool ({@link RawSqlOps}). After the other process's operations
 * the test waits until their changes were delivered ({@link Delivered}), then compares. Operations: posts of every
 * visibility, replies with mentions, reposts and their removal, deletions, visibility changes, follows (of locked
 * accounts too, accepted later), unfollows, blocks, unblocks, mutes, unmutes. Feeds and the post cache have tiny bounds,
 * so floors, trimming, eviction and database tails are in play.
 *
 * <p>Prints its seed; replay with {@code -Dtests.seed=<seed>}.
 */
class MemoryHomeEquivalenceTest {

    @Test
    void memoryHomeEqualsSqlAfterOperationsHereElsewhereAndInPlainSql() {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        System.out.println("MemoryHomeEquivalenceTest seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random r = new Random(seed);
        try (Database db = TestDatabase.fresh("memhome", 4);
             Database elsewhere = Database.open(new Database.Config(db.hikari().getJdbcUrl(), EmbeddedDatabase.USER, null, 2))) {
            Social here = TestDatabase.social(db);
            Social there = TestDatabase.social(elsewhere);
            PostCache posts = PostCache.subscribed(db, 4 + r.nextInt(60));
            // The outbox is polled once an hour, i.e. never here: posts written with plain SQL reach the feeds only by the change
            // feed (the other Social's posts are in this JVM's post log too, RecentPosts being static). 2..8 feeds for 6 viewers.
            Timelines t = new Timelines(db, new HomeFeeds.Settings(true, 2 + r.nextInt(7), 3 + r.nextInt(10), 1 + r.nextInt(8), 60_000), 3_600_000, posts);
            Account sentinel = here.accounts().createWithoutPassword("mh_sentinel", "mh_sentinel@example.org", "", false).orThrow();
            Delivered delivered = new Delivered(db, elsewhere, sentinel.id());
            List<Account> accounts = new ArrayList<>();
            int n = 12 + r.nextInt(6);
            for (int i = 0; i < n; i++) {
                boolean locked = r.nextInt(5) == 0;
                accounts.add(here.accounts().createWithoutPassword("mh" + i, "mh" + i + "@example.org", "", locked).orThrow());
            }
            db.inTransaction(c -> {
                for (int i = 0; i < n; i++) {
                    for (Account b : accounts) {
                        if (i % 3 != 0 && accounts.get(i).id() != b.id() && r.nextInt(10) < 5) {
                            Relationships.follow(c, accounts.get(i).id(), b.id(), Instant.now()).orThrow();
                        }
                    }
                }
                return null;
            });
            List<Long> postIds = new ArrayList<>();
            List<Long> viewers = accounts.subList(0, 6).stream().map(Account::id).toList();
            int checks = 0;
            String last = "";
            for (int step = 0; step < 100; step++) {
                int way = r.nextInt(10);
                if (way < 4) {
                    last = "here";
                    if (r.nextInt(8) == 0) {
                        reply(here, r, accounts, postIds, step);
                        last = "reply here";
                    } else {
                        HomeRandomOps.step(here, db, r, accounts, postIds, step, "mh");
                    }
                } else {
                    if (way < 7) {
                        HomeRandomOps.step(there, elsewhere, r, accounts, postIds, step, "mh");
                        last = "in another process";
                    } else {
                        last = RawSqlOps.step(elsewhere, r, accounts, postIds, step);
                    }
                    delivered.await();
                }
                // After every operation the first page of every viewer; now and then every page of one, with every kind of cursor.
                for (long viewer : viewers) {
                    Page first = Page.first(1 + r.nextInt(Page.MAX_LIMIT));
                    String where = "seed " + seed + ", step " + step + " (" + last + "), viewer " + viewer + ", " + first;
                    assertEquals(HomeRandomOps.ids(t.homeUncached(viewer, first)), HomeRandomOps.ids(t.home(viewer, first)), where);
                }
                if (r.nextInt(8) == 0) {
                    long viewer = viewers.get(r.nextInt(viewers.size()));
                    HomeRandomOps.compareAllPages(t::homeUncached, t::home, viewer, r,
                            "seed " + seed + ", step " + step + " (" + last + "), viewer " + viewer);
                    checks++;
                }
            }
            for (long viewer : viewers) {
                HomeRandomOps.compareAllPages(t::homeUncached, t::home, viewer, r, "seed " + seed + ", at the end, viewer " + viewer);
            }
            String stats = t.homeFeedStats() + "; posts " + posts.stats();
            System.out.println("MemoryHomeEquivalenceTest: " + checks + " random checks; " + stats);
            MemoryHome.Stats m = t.memoryStats();
            // Most pages must have been decided in memory, else this test compared SQL with SQL.
            assertTrue(m.pages() > 10 * Math.max(1, m.fallbacks()), "too few pages decided in memory: " + stats);
        }
    }

    /** A reply of any visibility to a random post, naming a random account (a mention), as clients write them. */
    static void reply(Social s, Random r, List<Account> accounts, List<Long> posts, int step) {
        if (posts.isEmpty()) {
            return;
        }
        Account actor = accounts.get(r.nextInt(accounts.size()));
        Account named = accounts.get(r.nextInt(accounts.size()));
        PostVisibility v = PostVisibility.values()[r.nextInt(PostVisibility.values().length)];
        Outcome<Post> o = s.posts().create(actor.id(), NewPost.of("@" + named.username() + " reply " + step, v).replyTo(posts.get(r.nextInt(posts.size()))));
        if (o instanceof Outcome.Ok<Post> ok) {
            posts.add(ok.value().id());
        }
    }
}
