package dev.starling.social.timelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Page;
import dev.starling.social.common.Slice;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.relationships.Relationships;
import dev.starling.social.testing.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded randomized test that the home timeline read through in-process feeds ({@link HomeFeeds},
 * here with tiny bounds so that floors, trimming, eviction and database tails are all in play)
 * equals the one read from the database alone ({@link Timelines#homeUncached}), page by page with
 * every kind of cursor, while random operations change the network between reads: posts of every
 * visibility, reposts and their removal, deletions, visibility changes, follows (also of locked
 * accounts, accepted later, and inserted straight in a transaction), unfollows, blocks, unblocks,
 * mutes, unmutes. The feeds persist across the operations, so every invalidation is exercised.
 *
 * <p>Prints its seed; replay with {@code -Dtests.seed=<seed>}.
 */
class HomeFeedEquivalenceTest {

    @Test
    void cachedHomeEqualsUncachedOverRandomOperations() {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        System.out.println("HomeFeedEquivalenceTest seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random r = new Random(seed);
        try (Database db = TestDatabase.fresh("homefeed", 4)) {
            Social s = TestDatabase.social(db);
            // At most 4 feeds of at most 3..12 ids, built from 1..8 candidates: floors rise, feeds are evicted.
            Timelines cached = new Timelines(db, new HomeFeeds.Settings(true, 4, 3 + r.nextInt(10), 1 + r.nextInt(8), 60_000));
            List<Account> accounts = new ArrayList<>();
            int n = 12 + r.nextInt(6);
            for (int i = 0; i < n; i++) {
                boolean locked = r.nextInt(5) == 0;
                accounts.add(s.accounts().createWithoutPassword("hf" + i, "hf" + i + "@example.org", "", locked).orThrow());
            }
            // Every third account starts following nobody (an empty feed that a new follow must fill), the others about half.
            db.inTransaction(c -> {
                for (int i = 0; i < n; i++) {
                    Account a = accounts.get(i);
                    for (Account b : accounts) {
                        if (i % 3 != 0 && a.id() != b.id() && r.nextInt(10) < 5) {
                            Relationships.follow(c, a.id(), b.id(), Instant.now()).orThrow();
                        }
                    }
                }
                return null;
            });
            List<Long> posts = new ArrayList<>();
            List<Long> viewers = accounts.subList(0, 6).stream().map(Account::id).toList();
            int checks = 0;
            for (int step = 0; step < 180; step++) {
                long actor = accounts.get(r.nextInt(n)).id();
                long other = accounts.get(r.nextInt(n)).id();
                int op = r.nextInt(100);
                if (op < 45) {
                    PostVisibility v = PostVisibility.values()[r.nextInt(PostVisibility.values().length)];
                    String text = "post " + step + (r.nextInt(4) == 0 ? " @hf" + r.nextInt(n) : "");
                    posts.add(s.posts().create(actor, NewPost.of(text, v)).orThrow().id());
                } else if (op < 53 && !posts.isEmpty()) {
                    s.posts().reblog(actor, posts.get(r.nextInt(posts.size()))); // may be refused: fine
                } else if (op < 56 && !posts.isEmpty()) {
                    s.posts().unreblog(actor, posts.get(r.nextInt(posts.size())));
                } else if (op < 61 && !posts.isEmpty()) {
                    s.posts().delete(actor, posts.get(r.nextInt(posts.size())));
                } else if (op < 66 && !posts.isEmpty()) {
                    PostVisibility v = PostVisibility.values()[r.nextInt(PostVisibility.values().length)];
                    s.posts().changeVisibility(actor, posts.get(r.nextInt(posts.size())), v);
                } else if (op < 72 && actor != other) {
                    s.relationships().follow(actor, other); // a request when the other is locked
                } else if (op < 76 && actor != other) {
                    s.relationships().authorize(actor, other); // accepts other's request, if any
                } else if (op < 78 && actor != other) {
                    db.inTransaction(c -> Relationships.follow(c, actor, other, Instant.now()));
                } else if (op < 84 && actor != other) {
                    s.relationships().unfollow(actor, other);
                } else if (op < 87 && actor != other) {
                    s.relationships().block(actor, other);
                } else if (op < 89 && actor != other) {
                    s.relationships().unblock(actor, other);
                } else if (op < 92 && actor != other) {
                    s.relationships().mute(actor, other, r.nextBoolean());
                } else if (op < 94 && actor != other) {
                    s.relationships().unmute(actor, other);
                }
                if (r.nextInt(6) == 0) {
                    long viewer = viewers.get(r.nextInt(viewers.size()));
                    compareAllPages(cached, viewer, r, "seed " + seed + ", step " + step + ", viewer " + viewer);
                    checks++;
                }
            }
            for (long viewer : viewers) {
                compareAllPages(cached, viewer, r, "seed " + seed + ", at the end, viewer " + viewer);
            }
            assertTrue(checks > 0);
            System.out.println("HomeFeedEquivalenceTest: " + checks + " random checks; " + cached.homeFeedStats());
        }
    }

    /** Pages the whole timeline both ways with a random limit, comparing every page and its cursors; then since_id, min_id and window pages. */
    private static void compareAllPages(Timelines t, long viewer, Random r, String where) {
        int limit = 1 + r.nextInt(r.nextBoolean() ? 5 : 30);
        Page p = Page.first(limit);
        List<Long> all = new ArrayList<>();
        for (int guard = 0; guard < 2_000; guard++) {
            Slice<Post> fast = t.home(viewer, p);
            Slice<Post> plain = t.homeUncached(viewer, p);
            assertSame(plain, fast, where + ", page " + p);
            all.addAll(ids(fast));
            if (fast.isEmpty() || fast.nextMaxId() == null) {
                break;
            }
            p = new Page(fast.nextMaxId(), null, null, limit);
        }
        if (all.isEmpty()) {
            return;
        }
        long a = all.get(r.nextInt(all.size()));
        long b = all.get(r.nextInt(all.size()));
        for (Page q : List.of(new Page(null, a, null, limit), new Page(null, null, a, limit), new Page(a, null, null, limit),
                new Page(Math.max(a, b), Math.min(a, b), null, limit), new Page(a + 1, a - 1, null, limit))) {
            assertSame(t.homeUncached(viewer, q), t.home(viewer, q), where + ", page " + q);
        }
    }

    private static void assertSame(Slice<Post> expected, Slice<Post> actual, String where) {
        assertEquals(ids(expected), ids(actual), where);
        assertEquals(expected.items(), actual.items(), where + " (rows)");
        assertEquals(expected.nextMaxId(), actual.nextMaxId(), where + ", next cursor");
        assertEquals(expected.prevMinId(), actual.prevMinId(), where + ", prev cursor");
    }

    private static List<Long> ids(Slice<Post> s) {
        return s.items().stream().map(Post::id).toList();
    }
}
