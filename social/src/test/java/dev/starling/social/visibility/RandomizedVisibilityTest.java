package dev.starling.social.visibility;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Outcome;
import dev.starling.social.common.Page;
import dev.starling.social.common.Rejection;
import dev.starling.social.common.Slice;
import dev.starling.social.db.Database;
import dev.starling.social.notifications.Notification;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostRows;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.testing.TestDatabase;
import dev.starling.social.timelines.AccountFilter;
import dev.starling.social.timelines.Context;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Seeded randomized test of visibility at the domain level: random networks (accounts, locked
 * accounts, follows, pending requests, blocks, mutes, posts of every visibility, replies, reposts,
 * quotes, mentions, favourites, bookmarks, deletions, visibility edits) and every read path
 * (single get, home, public, account, hashtag, context, favourites, bookmarks, notifications)
 * checked against {@link Visibility#canSee}: nothing leaks, nothing visible is missing.
 * Write operations are checked too: acting on a post must fail as NOT_FOUND exactly when the
 * actor may not see it.
 *
 * <p>Prints its seed; replay with {@code -Dtests.seed=<seed>}. {@code -Dtests.networks=N} runs
 * more networks (default 3).
 */
class RandomizedVisibilityTest {

    record Net(Social social, Database db, List<Account> accounts, List<String> tags) {
    }

    @Test
    void everyReadPathAgreesWithCanSee() throws Exception {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        int networks = Integer.getInteger("tests.networks", 3);
        System.out.println("RandomizedVisibilityTest seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random seeds = new Random(seed);
        for (int n = 0; n < networks; n++) {
            long netSeed = seeds.nextLong();
            try (Database db = TestDatabase.fresh("vis", 4)) {
                Net net = build(db, new Random(netSeed), n);
                try {
                    check(net, new Random(netSeed ^ 0x5DEECE66DL));
                } catch (AssertionError e) {
                    throw new AssertionError("network " + n + " (seed " + seed + "): " + e.getMessage(), e);
                }
            }
        }
    }

    private static Net build(Database db, Random r, int netIndex) {
        Social s = TestDatabase.social(db);
        int nAccounts = 6 + r.nextInt(6);
        List<Account> accounts = new ArrayList<>();
        for (int i = 0; i < nAccounts; i++) {
            String name = "n" + netIndex + "u" + i;
            accounts.add(s.accounts().createWithoutPassword(name, name + "@example.org", "", r.nextInt(4) == 0).orThrow());
        }
        List<String> tags = List.of("alpha", "Beta", "gamma");
        List<Long> postIds = new ArrayList<>();
        int ops = 120 + r.nextInt(80);
        for (int k = 0; k < ops; k++) {
            Account a = pick(r, accounts);
            Account b = pick(r, accounts);
            int op = r.nextInt(100);
            if (op < 18) {
                s.relationships().follow(a.id(), b.id());
            } else if (op < 20) {
                s.relationships().unfollow(a.id(), b.id());
            } else if (op < 25) {
                s.relationships().authorize(a.id(), b.id());
            } else if (op < 26) {
                s.relationships().reject(a.id(), b.id());
            } else if (op < 29) {
                s.relationships().block(a.id(), b.id());
            } else if (op < 30) {
                s.relationships().unblock(a.id(), b.id());
            } else if (op < 33) {
                s.relationships().mute(a.id(), b.id(), r.nextBoolean());
            } else if (op < 34) {
                s.relationships().unmute(a.id(), b.id());
            } else if (op < 62 || postIds.isEmpty()) {
                StringBuilder text = new StringBuilder("post " + k);
                int mentions = r.nextInt(3);
                for (int m = 0; m < mentions; m++) {
                    text.append(" @").append(pick(r, accounts).username());
                }
                if (r.nextInt(3) == 0) {
                    text.append(" #").append(pick(r, tags));
                }
                NewPost np = NewPost.of(text.toString(), PostVisibility.values()[r.nextInt(4)]);
                Long parent = null;
                if (r.nextInt(3) == 0 && !postIds.isEmpty()) {
                    parent = pick(r, postIds);
                    np = np.replyTo(parent);
                } else if (r.nextInt(8) == 0 && !postIds.isEmpty()) {
                    parent = pick(r, postIds);
                    np = np.quoting(parent);
                }
                Outcome<Post> o = s.posts().create(a.id(), np);
                if (parent != null) {
                    checkActOutcome(db, a.id(), parent, o, "reply/quote");
                }
                if (o.isOk()) {
                    postIds.add(o.orThrow().id());
                }
            } else {
                long target = pick(r, postIds);
                int act = r.nextInt(10);
                Outcome<Post> o;
                String what;
                if (act < 3) {
                    o = s.posts().reblog(a.id(), target);
                    what = "reblog";
                    if (o.isOk()) {
                        postIds.add(o.orThrow().id());
                    }
                } else if (act < 6) {
                    o = s.posts().favourite(a.id(), target);
                    what = "favourite";
                } else if (act < 7) {
                    o = s.posts().bookmark(a.id(), target);
                    what = "bookmark";
                } else if (act < 8) {
                    o = s.posts().delete(a.id(), target);
                    what = "delete";
                } else if (act < 9) {
                    o = s.posts().changeVisibility(a.id(), target, PostVisibility.values()[r.nextInt(4)]);
                    what = "changeVisibility";
                } else {
                    o = s.posts().unfavourite(a.id(), target);
                    what = "unfavourite";
                }
                checkActOutcome(db, a.id(), target, o, what);
            }
        }
        return new Net(s, db, accounts, tags);
    }

    /** An action on a post fails with NOT_FOUND exactly when the actor may not see it (or it is gone). */
    private static void checkActOutcome(Database db, long actor, long postId, Outcome<Post> o, String what) {
        // The outcome has been applied; visibility before the action is what matters, but a
        // NOT_FOUND leaves nothing changed, so we can check it now.
        Rejection rej = o.rejectionOrNull();
        if (rej != null && rej.kind() == Rejection.Kind.NOT_FOUND) {
            Truth t = Truth.load(db);
            Post p = t.posts.get(postId);
            assertTrue(p == null || !t.canSee(actor, p), what + " by " + actor + " on visible post " + postId + " was NOT_FOUND");
        }
    }

    private static void check(Net net, Random r) {
        Truth t = Truth.load(net.db);
        List<Long> viewers = new ArrayList<>();
        viewers.add(null);
        for (Account a : net.accounts) {
            viewers.add(a.id());
            assertEquals(t.viewer(a.id()), net.db.withConnection(c -> Visibility.viewer(c, a.id())), "Visibility.viewer for " + a.id());
        }
        Social s = net.social;
        int checks = 0;
        // Relationship invariants the visibility rule relies on: no follow survives a block either way.
        for (List<Long> f : t.follows) {
            assertTrue(!t.blocks.contains(f) && !t.blocks.contains(List.of(f.get(1), f.get(0))), "follow " + f + " coexists with a block");
        }
        for (Long v : viewers) {
            // single get: every post
            for (Post p : t.posts.values()) {
                boolean expected = t.canSee(v, p);
                assertEquals(expected, s.posts().get(v, p.id()).isPresent(), "get(" + v + ", " + p.id() + ") " + p);
                checks++;
                if (expected && (p.isReblog() || p.quoteOfId() != null)) {
                    // Hydration must not leak a quoted post the viewer may not see.
                    var view = s.posts().view(v, p.id()).orElseThrow();
                    Post shown = p.isReblog() ? t.posts.get(p.reblogOfId()) : p;
                    assertEquals(shown.id(), p.isReblog() ? view.reblog().post().id() : view.post().id());
                    if (shown.quoteOfId() != null) {
                        Post quoted = t.posts.get(shown.quoteOfId());
                        var q = p.isReblog() ? view.reblog().quote() : view.quote();
                        assertEquals(quoted != null && t.canSee(v, quoted), q != null, "quote of " + shown.id() + " for " + v);
                    }
                }
            }
            // public
            assertIds(t.expect(p -> p.visibility() == PostVisibility.PUBLIC && !p.isReblog()
                            && (p.inReplyToId() == null || p.inReplyToAccountId() == p.authorId()) && t.canSee(v, p) && !t.muted(v, p)),
                    all(page -> s.timelines().publicTimeline(v, page), r), "public for " + v);
            // hashtags
            for (String tag : net.tags) {
                String lower = tag.toLowerCase();
                assertIds(t.expect(p -> p.visibility() == PostVisibility.PUBLIC && t.tagged(p, lower) && t.canSee(v, p) && !t.muted(v, p)),
                        all(page -> s.timelines().hashtag(v, "#" + tag.toUpperCase(), page), r), "hashtag " + tag + " for " + v);
            }
            // account timelines
            for (Account a : net.accounts) {
                boolean exReplies = r.nextBoolean();
                boolean exReblogs = r.nextBoolean();
                assertIds(t.expect(p -> p.authorId() == a.id() && t.canSee(v, p)
                                && !(exReplies && p.inReplyToId() != null && p.inReplyToAccountId() != p.authorId())
                                && !(exReblogs && p.isReblog())),
                        all(page -> s.timelines().account(v, a.id(), new AccountFilter(exReplies, exReblogs, false, null), page), r),
                        "account " + a.id() + " for " + v);
            }
            // context of every post
            for (Post p : t.posts.values()) {
                var ctx = s.timelines().context(v, p.id());
                if (!t.canSee(v, p)) {
                    assertTrue(ctx.isEmpty(), "context of invisible post " + p.id() + " for " + v);
                    continue;
                }
                Post focus = p.isReblog() ? t.posts.get(p.reblogOfId()) : p;
                Context c = ctx.orElseThrow();
                assertEquals(t.ancestors(focus).stream().filter(x -> t.canSee(v, x)).map(Post::id).toList(),
                        c.ancestors().stream().map(Post::id).toList(), "ancestors of " + focus.id() + " for " + v);
                assertEquals(t.descendants(focus).stream().filter(x -> t.canSee(v, x)).map(Post::id).sorted().toList(),
                        c.descendants().stream().map(Post::id).toList(), "descendants of " + focus.id() + " for " + v);
                checks++;
            }
            if (v == null) {
                continue;
            }
            // home
            List<Long> expectedHome = t.expect(p -> (p.authorId() == v || t.following(v).contains(p.authorId())) && t.canSee(v, p) && !t.muted(v, p));
            assertIds(expectedHome, all(page -> s.timelines().home(v, page), r), "home for " + v);
            assertIds(expectedHome, allAscending(page -> s.timelines().home(v, page), r), "home (min_id paging) for " + v);
            // favourites and bookmarks
            assertEquals(t.marked(t.favourites, v), ids(allCursor(page -> s.timelines().favourites(v, page), r)), "favourites of " + v);
            assertEquals(t.marked(t.bookmarks, v), ids(allCursor(page -> s.timelines().bookmarks(v, page), r)), "bookmarks of " + v);
            // notifications
            List<Long> gotN = new ArrayList<>();
            Page page = Page.first(1 + r.nextInt(40));
            for (int guard = 0; guard < 1000; guard++) {
                Slice<Notification> sl = s.notifications().list(v, page, null, null);
                if (sl.isEmpty()) {
                    break;
                }
                for (Notification n : sl.items()) {
                    gotN.add(n.id());
                    assertTrue(n.postId() == null || t.canSee(v, t.posts.get(n.postId())), "notification " + n + " leaks its post");
                }
                page = new Page(sl.nextMaxId(), null, null, page.limit());
            }
            assertEquals(t.expectedNotifications(v), gotN, "notifications of " + v);
            checks += 5;
        }
        System.out.printf("network: %d accounts, %d posts, %d follows, %d blocks, %d mutes, %d notifications, %d checks%n",
                net.accounts.size(), t.posts.size(), t.follows.size(), t.blocks.size(), t.mutes.size(), t.notifications.size(), checks);
    }

    private static void assertIds(List<Long> expected, List<Post> got, String what) {
        assertEquals(expected, ids(got), what);
    }

    private static List<Long> ids(List<Post> posts) {
        return posts.stream().map(Post::id).toList();
    }

    /** Pages newest to oldest with max_id and a random limit. */
    private static List<Post> all(Function<Page, Slice<Post>> fetch, Random r) {
        List<Post> out = new ArrayList<>();
        Page page = Page.first(1 + r.nextInt(Page.MAX_LIMIT));
        for (int guard = 0; guard < 10_000; guard++) {
            Slice<Post> s = fetch.apply(page);
            if (s.isEmpty()) {
                return out;
            }
            assertTrue(s.items().size() <= page.limit());
            out.addAll(s.items());
            page = new Page(s.nextMaxId(), null, null, page.limit());
        }
        throw new AssertionError("paging did not end");
    }

    /** Pages oldest to newest with min_id; returns newest first. */
    private static List<Post> allAscending(Function<Page, Slice<Post>> fetch, Random r) {
        List<Post> out = new ArrayList<>();
        Page page = new Page(null, null, 0L, 1 + r.nextInt(Page.MAX_LIMIT));
        for (int guard = 0; guard < 10_000; guard++) {
            Slice<Post> s = fetch.apply(page);
            if (s.isEmpty()) {
                List<Post> rev = new ArrayList<>(out);
                rev.sort(Comparator.comparingLong(Post::id).reversed());
                return rev;
            }
            for (int i = 1; i < s.items().size(); i++) {
                assertTrue(s.items().get(i - 1).id() > s.items().get(i).id(), "pages are newest first");
            }
            out.addAll(s.items());
            page = new Page(null, null, s.prevMinId(), page.limit());
        }
        throw new AssertionError("paging did not end");
    }

    /** Pages a list whose cursors are row ids (favourites, bookmarks). */
    private static List<Post> allCursor(Function<Page, Slice<Post>> fetch, Random r) {
        return all(fetch, r);
    }

    private static <T> T pick(Random r, List<T> list) {
        return list.get(r.nextInt(list.size()));
    }

    /** The ground truth read straight from the tables, and the expected results via {@link Visibility#canSee}. */
    static final class Truth {
        final Map<Long, Post> posts = new HashMap<>();
        final Set<List<Long>> follows = new HashSet<>();
        final Set<List<Long>> blocks = new HashSet<>();
        final Map<List<Long>, Boolean> mutes = new HashMap<>();
        final Map<Long, Set<String>> tags = new HashMap<>();
        /** [row id, account, post] */
        final List<long[]> favourites = new ArrayList<>();
        final List<long[]> bookmarks = new ArrayList<>();
        /** [id, account, from, post or -1] */
        final List<long[]> notifications = new ArrayList<>();

        static Truth load(Database db) {
            return db.withConnection(c -> {
                Truth t = new Truth();
                List<Long> ids = new ArrayList<>();
                rows(c, "SELECT id FROM posts", rs -> ids.add(rs.getLong(1)));
                t.posts.putAll(PostRows.loadMany(c, ids));
                rows(c, "SELECT follower_id, followee_id FROM follows", rs -> t.follows.add(List.of(rs.getLong(1), rs.getLong(2))));
                rows(c, "SELECT account_id, target_id FROM blocks", rs -> t.blocks.add(List.of(rs.getLong(1), rs.getLong(2))));
                rows(c, "SELECT account_id, target_id, notifications FROM mutes", rs -> t.mutes.put(List.of(rs.getLong(1), rs.getLong(2)), rs.getBoolean(3)));
                rows(c, "SELECT post_id, tag FROM post_tags", rs -> t.tags.computeIfAbsent(rs.getLong(1), k -> new HashSet<>()).add(rs.getString(2)));
                rows(c, "SELECT id, account_id, post_id FROM favourites", rs -> t.favourites.add(new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)}));
                rows(c, "SELECT id, account_id, post_id FROM bookmarks", rs -> t.bookmarks.add(new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)}));
                rows(c, "SELECT id, account_id, from_account_id, coalesce(post_id, -1) FROM notifications",
                        rs -> t.notifications.add(new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)}));
                return t;
            });
        }

        interface Row {
            void accept(ResultSet rs) throws SQLException;
        }

        static void rows(Connection c, String sql, Row row) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.accept(rs);
                }
            }
        }

        Set<Long> following(long v) {
            Set<Long> out = new HashSet<>();
            for (List<Long> f : follows) {
                if (f.get(0) == v) {
                    out.add(f.get(1));
                }
            }
            return out;
        }

        Viewer viewer(Long v) {
            if (v == null) {
                return Viewer.ANONYMOUS;
            }
            Set<Long> blocked = new HashSet<>();
            for (List<Long> b : blocks) {
                if (b.get(0).equals(v)) {
                    blocked.add(b.get(1));
                }
                if (b.get(1).equals(v)) {
                    blocked.add(b.get(0));
                }
            }
            return new Viewer(v, following(v), blocked);
        }

        boolean canSee(Long v, Post p) {
            Post original = p.isReblog() ? posts.get(p.reblogOfId()) : null;
            if (p.isReblog() && original == null) {
                return false;
            }
            return Visibility.canSee(viewer(v), p, original);
        }

        boolean muted(Long v, Post p) {
            if (v == null) {
                return false;
            }
            Post original = p.isReblog() ? posts.get(p.reblogOfId()) : null;
            return mutes.containsKey(List.of(v, p.authorId())) || (original != null && mutes.containsKey(List.of(v, original.authorId())));
        }

        boolean tagged(Post p, String lowerTag) {
            return tags.getOrDefault(p.id(), Set.of()).contains(lowerTag);
        }

        List<Long> expect(Predicate<Post> keep) {
            TreeSet<Long> ids = new TreeSet<>(Comparator.reverseOrder());
            for (Post p : posts.values()) {
                if (keep.test(p)) {
                    ids.add(p.id());
                }
            }
            return new ArrayList<>(ids);
        }

        List<Post> ancestors(Post p) {
            List<Post> out = new ArrayList<>();
            Long up = p.inReplyToId();
            while (up != null) {
                Post q = posts.get(up);
                if (q == null) {
                    break;
                }
                out.addFirst(q);
                up = q.inReplyToId();
            }
            out.sort(Comparator.comparingLong(Post::id));
            return out;
        }

        List<Post> descendants(Post p) {
            List<Post> out = new ArrayList<>();
            List<Long> frontier = new ArrayList<>(List.of(p.id()));
            while (!frontier.isEmpty()) {
                List<Long> next = new ArrayList<>();
                for (Post q : posts.values()) {
                    if (q.inReplyToId() != null && frontier.contains(q.inReplyToId())) {
                        out.add(q);
                        next.add(q.id());
                    }
                }
                frontier = next;
            }
            return out;
        }

        List<Long> marked(List<long[]> rows, long v) {
            List<long[]> mine = new ArrayList<>();
            for (long[] row : rows) {
                if (row[1] == v && posts.containsKey(row[2]) && canSee(v, posts.get(row[2]))) {
                    mine.add(row);
                }
            }
            mine.sort((a, b) -> Long.compare(b[0], a[0]));
            return mine.stream().map(row -> row[2]).toList();
        }

        List<Long> expectedNotifications(long v) {
            Viewer viewer = viewer(v);
            List<Long> out = new ArrayList<>();
            for (long[] n : notifications) {
                if (n[1] != v || viewer.blockedEitherWay().contains(n[2]) || Boolean.TRUE.equals(mutes.get(List.of(v, n[2])))) {
                    continue;
                }
                if (n[3] != -1 && !canSee(v, posts.get(n[3]))) {
                    continue;
                }
                out.add(n[0]);
            }
            out.sort(Comparator.reverseOrder());
            return out;
        }
    }
}
