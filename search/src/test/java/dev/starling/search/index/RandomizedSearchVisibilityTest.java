package dev.starling.search.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.starling.search.PostSearch;
import dev.starling.search.query.SearchMode;
import dev.starling.search.query.SearchResult;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Outcome;
import dev.starling.social.db.Database;
import dev.starling.social.export.PostExport;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostRows;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.testing.TestDatabase;
import dev.starling.social.visibility.Viewer;
import dev.starling.social.visibility.Visibility;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Test;

/**
 * The seeded randomized visibility test of the network, extended to search: random networks
 * (follows, locked accounts, blocks, mutes, posts of every visibility with mentions, replies,
 * reposts, favourites, deletions, visibility edits), indexed from the outbox; for every viewer and
 * several queries, the hits, their total and every page agree with {@link Visibility#canSee} over
 * the database (minus muted authors): nothing leaks, nothing visible is missing, counts match.
 *
 * <p>Prints its seed; replay with {@code -Dtests.seed=<seed>}; {@code -Dtests.networks=N} (default 3).
 */
class RandomizedSearchVisibilityTest {

    private static final String[] WORDS = {"apple", "banana", "cherry", "delta", "echo"};

    @Test
    void searchAgreesWithCanSee() {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        int networks = Integer.getInteger("tests.networks", 3);
        System.out.println("RandomizedSearchVisibilityTest seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random seeds = new Random(seed);
        for (int n = 0; n < networks; n++) {
            long netSeed = seeds.nextLong();
            try (Database db = TestDatabase.fresh("search_vis", 4)) {
                Social s = TestDatabase.social(db);
                List<Account> accounts = build(s, new Random(netSeed), n);
                try {
                    check(db, s, accounts, new Random(netSeed ^ 0x5DEECE66DL));
                } catch (AssertionError e) {
                    throw new AssertionError("network " + n + " (seed " + seed + "): " + e.getMessage(), e);
                }
            }
        }
    }

    private static <T> T pick(Random r, List<T> l) {
        return l.get(r.nextInt(l.size()));
    }

    private static List<Account> build(Social s, Random r, int net) {
        List<Account> accounts = new ArrayList<>();
        int nAccounts = 6 + r.nextInt(6);
        for (int i = 0; i < nAccounts; i++) {
            String name = "n" + net + "u" + i;
            accounts.add(s.accounts().createWithoutPassword(name, name + "@example.org", "", r.nextInt(4) == 0).orThrow());
        }
        List<Long> posts = new ArrayList<>();
        int ops = 150 + r.nextInt(100);
        for (int k = 0; k < ops; k++) {
            Account a = pick(r, accounts);
            Account b = pick(r, accounts);
            int op = r.nextInt(100);
            if (op < 15) {
                s.relationships().follow(a.id(), b.id());
            } else if (op < 17) {
                s.relationships().unfollow(a.id(), b.id());
            } else if (op < 21) {
                s.relationships().authorize(a.id(), b.id());
            } else if (op < 24) {
                s.relationships().block(a.id(), b.id());
            } else if (op < 25) {
                s.relationships().unblock(a.id(), b.id());
            } else if (op < 28) {
                s.relationships().mute(a.id(), b.id(), r.nextBoolean());
            } else if (op < 29) {
                s.relationships().unmute(a.id(), b.id());
            } else if (op < 70 || posts.isEmpty()) {
                StringBuilder text = new StringBuilder("common ").append(pick(r, List.of(WORDS)));
                for (int m = r.nextInt(3); m > 0; m--) {
                    text.append(" @").append(pick(r, accounts).username());
                }
                NewPost np = NewPost.of(text.toString(), PostVisibility.values()[r.nextInt(4)]);
                if (r.nextInt(4) == 0 && !posts.isEmpty()) {
                    np = np.replyTo(pick(r, posts));
                }
                Outcome<Post> o = s.posts().create(a.id(), np);
                if (o.isOk()) {
                    posts.add(o.orThrow().id());
                }
            } else {
                long target = pick(r, posts);
                int act = r.nextInt(10);
                if (act < 3) {
                    s.posts().reblog(a.id(), target);
                } else if (act < 6) {
                    s.posts().favourite(a.id(), target);
                } else if (act < 8) {
                    s.posts().delete(a.id(), target);
                } else {
                    s.posts().changeVisibility(a.id(), target, PostVisibility.values()[r.nextInt(4)]);
                }
            }
        }
        return accounts;
    }

    private static void check(Database db, Social s, List<Account> accounts, Random r) {
        PostExport export = new PostExport(db);
        Map<Long, Post> all = db.withConnection(c -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM posts WHERE reblog_of_id IS NULL"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return PostRows.loadMany(c, ids);
        });
        try (PostIndex index = PostIndex.open(new ByteBuffersDirectory(), null)) {
            OutboxIndexer indexer = new OutboxIndexer(index, s.outbox(), export);
            indexer.catchUp();
            PostSearch search = new PostSearch(index, export, Clock.systemUTC());
            List<Long> viewers = new ArrayList<>();
            viewers.add(null);
            accounts.forEach(a -> viewers.add(a.id()));
            for (Long v : viewers) {
                Viewer viewer = db.withConnection(c -> Visibility.viewer(c, v));
                Set<Long> muted = v == null ? Set.of() : export.relations(v).muted();
                for (String q : List.of("common", pick(r, List.of(WORDS)), "common -" + pick(r, List.of(WORDS)))) {
                    List<Long> expected = all.values().stream()
                            .filter(p -> Visibility.canSee(viewer, p))
                            .filter(p -> viewer.is(p.authorId()) || !muted.contains(p.authorId()))
                            .filter(p -> matches(p.text(), q))
                            .map(Post::id)
                            .sorted(Comparator.reverseOrder())
                            .toList();
                    int pageSize = 1 + r.nextInt(7);
                    List<Long> paged = new ArrayList<>();
                    for (int offset = 0; ; offset += pageSize) {
                        SearchResult.Hits h = assertInstanceOf(SearchResult.Hits.class, search.search(v, q, SearchMode.LATEST, offset, pageSize));
                        assertEquals(expected.size(), h.total(), "total for viewer " + v + " query '" + q + "'");
                        if (h.postIds().isEmpty()) {
                            break;
                        }
                        paged.addAll(h.postIds());
                    }
                    assertEquals(expected, paged, "pages for viewer " + v + " query '" + q + "'");
                    SearchResult.Hits top = assertInstanceOf(SearchResult.Hits.class, search.search(v, q, SearchMode.TOP, 0, 100));
                    assertEquals(expected.size(), top.total(), "Top total for viewer " + v + " query '" + q + "'");
                    if (expected.size() <= 100) {
                        assertEquals(new HashSet<>(expected), new HashSet<>(top.postIds()), "Top for viewer " + v + " query '" + q + "'");
                    } else {
                        assertEquals(true, new HashSet<>(expected).containsAll(top.postIds()), "Top leaks for viewer " + v + " query '" + q + "'");
                    }
                }
            }
        }
    }

    private static boolean matches(String text, String q) {
        Set<String> words = new HashSet<>(List.of(text.split(" ")));
        if (q.startsWith("common -")) {
            return words.contains("common") && !words.contains(q.substring("common -".length()));
        }
        return words.contains(q);
    }
}
