package dev.starling.social.timelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Page;
import dev.starling.social.common.Slice;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.relationships.Relationships;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * What the seeded home-timeline equivalence tests share: one random operation on a small network (posts of every
 * visibility, reposts and their removal, deletions, visibility changes, follows (also of locked accounts, accepted
 * later, and inserted straight in a transaction), unfollows, blocks, unblocks, mutes, unmutes), and paging a timeline
 * two ways with every kind of cursor.
 */
final class HomeRandomOps {

    private HomeRandomOps() {
    }

    /** One random operation by a random account; refusals (a repost of a hidden post, say) are part of the test. */
    static void step(Social s, Database db, Random r, List<Account> accounts, List<Long> posts, int step, String handlePrefix) {
        int n = accounts.size();
        long actor = accounts.get(r.nextInt(n)).id();
        long other = accounts.get(r.nextInt(n)).id();
        int op = r.nextInt(100);
        if (op < 45) {
            PostVisibility v = PostVisibility.values()[r.nextInt(PostVisibility.values().length)];
            String text = "post " + step + (r.nextInt(4) == 0 ? " @" + handlePrefix + r.nextInt(n) : "");
            posts.add(s.posts().create(actor, NewPost.of(text, v)).orThrow().id());
        } else if (op < 53 && !posts.isEmpty()) {
            s.posts().reblog(actor, posts.get(r.nextInt(posts.size())));
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
    }

    /**
     * Pages the whole timeline with a random limit through {@code actual} and {@code expected}, comparing every page and
     * its cursors, then since_id, min_id, max_id and window pages anchored at random posts of it.
     */
    static void compareAllPages(BiFunction<Long, Page, Slice<Post>> expected, BiFunction<Long, Page, Slice<Post>> actual,
                                long viewer, Random r, String where) {
        int limit = 1 + r.nextInt(r.nextBoolean() ? 5 : 30);
        Page p = Page.first(limit);
        List<Long> all = new ArrayList<>();
        for (int guard = 0; guard < 2_000; guard++) {
            Slice<Post> got = actual.apply(viewer, p);
            assertSame(expected.apply(viewer, p), got, where + ", page " + p);
            all.addAll(ids(got));
            if (got.isEmpty() || got.nextMaxId() == null) {
                break;
            }
            p = new Page(got.nextMaxId(), null, null, limit);
        }
        if (all.isEmpty()) {
            return;
        }
        long a = all.get(r.nextInt(all.size()));
        long b = all.get(r.nextInt(all.size()));
        for (Page q : List.of(new Page(null, a, null, limit), new Page(null, null, a, limit), new Page(a, null, null, limit),
                new Page(Math.max(a, b), Math.min(a, b), null, limit), new Page(a + 1, a - 1, null, limit))) {
            assertSame(expected.apply(viewer, q), actual.apply(viewer, q), where + ", page " + q);
        }
    }

    private static void assertSame(Slice<Post> expected, Slice<Post> actual, String where) {
        assertEquals(ids(expected), ids(actual), where);
        assertEquals(expected.items(), actual.items(), where + " (rows)");
        assertEquals(expected.nextMaxId(), actual.nextMaxId(), where + ", next cursor");
        assertEquals(expected.prevMinId(), actual.prevMinId(), where + ", prev cursor");
    }

    static List<Long> ids(Slice<Post> s) {
        return s.items().stream().map(Post::id).toList();
    }
}
