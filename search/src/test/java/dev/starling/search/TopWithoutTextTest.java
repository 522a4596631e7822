package dev.starling.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.starling.search.authors.AuthorSignals;
import dev.starling.search.index.PostIndex;
import dev.starling.search.query.ParseResult;
import dev.starling.search.query.QueryCompiler;
import dev.starling.search.query.QueryParser;
import dev.starling.search.query.SearchMode;
import dev.starling.search.query.SearchResult;
import dev.starling.search.query.TopSignals;
import dev.starling.search.query.TopWithoutText;
import dev.starling.search.query.ViewerFilter;
import dev.starling.social.export.PostExport.ExportedPost;
import dev.starling.social.export.PostExport.Relations;
import dev.starling.social.posts.Entities;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Test;

/**
 * Top without words ({@link TopWithoutText}) scores only the posts that can reach the page, and
 * must give exactly what scoring every match gives: same ids in the same order, same totals, on
 * seeded random posts (times out of id order, heavy-tailed likes, a visibility mix, author
 * factors), viewers and pages. Replay with {@code -Dtests.seed=N}.
 */
class TopWithoutTextTest {

    private static final String[] WORDS = {"such", "into", "their", "the", "coffee", "tea", "rain", "sun"};

    @Test
    void prunedTopEqualsScoringEveryMatch() throws Exception {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("TopWithoutTextTest seed " + seed + " (replay with -Dtests.seed=" + seed + ")");
        check(seed, false);
    }

    /**
     * The same on the data of a fixed seed whose match-all query can be pruned. Whether pruning applies depends on the
     * random data (about one seed in six leaves the bound too loose: seeds 2 and 66777915821155 do), so "it does prune"
     * is asserted on this one; the random seed above checks that pruned and full scoring agree.
     */
    @Test
    void prunesTheMatchAllQueryOfAKnownNetwork() throws Exception {
        check(1, true);
    }

    private static void check(long seed, boolean mustPrune) throws Exception {
        Random r = new Random(seed);
        long start = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
        int n = 3000 + r.nextInt(2000);
        long stepMillis = 60_000L * (30 + r.nextInt(90)); // a post every 30 to 120 minutes: the newest few hundred span days, so the bound prunes
        try (PostIndex index = PostIndex.open(new ByteBuffersDirectory(), null)) {
            Map<Long, ExportedPost> batch = new HashMap<>();
            for (int i = 0; i < n; i++) {
                long id = 1000 + i;
                long created = start + i * stepMillis + (long) (r.nextGaussian() * 20 * stepMillis); // not in id order
                long author = 1 + r.nextInt(60);
                PostVisibility vis = PostVisibility.values()[r.nextInt(10) < 7 ? 0 : r.nextInt(4)];
                String text = WORDS[r.nextInt(WORDS.length)] + " " + WORDS[r.nextInt(WORDS.length)];
                boolean reply = r.nextInt(5) == 0;
                Post p = new Post(id, author, text, vis, reply ? id - 1 : null, reply ? author : null, null, null, null, r.nextInt(4) == 0 ? "es" : "en",
                        false, "", new Entities(List.of(), List.of(), List.of(), List.of()), Instant.ofEpochMilli(created), null);
                long faves = r.nextInt(50) == 0 ? r.nextInt(5000) : (long) Math.floor(-Math.log(1 - r.nextDouble()) * 2);
                long reposts = r.nextInt(8) == 0 ? r.nextInt(30) : 0;
                batch.put(id, new ExportedPost(p, "u" + author, reply ? "u" + author : null, faves, reposts, 0));
            }
            index.apply(batch.keySet(), batch);
            index.refresh();
            long now = start + n * stepMillis + (long) (r.nextDouble() * 30 * 86_400_000L);
            Map<Long, AuthorSignals.AuthorStats> stats = new HashMap<>();
            for (long a = 1; a <= 60; a++) {
                stats.put(a, new AuthorSignals.AuthorStats(r.nextInt(20_000), now - (long) (r.nextDouble() * 60 * 86_400_000L)));
            }
            AuthorSignals authors = AuthorSignals.of(stats, now);
            Set<Long> following = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                following.add(1L + r.nextInt(60));
            }
            Relations viewer = new Relations(1L + r.nextInt(60), following, Set.of(1L + r.nextInt(60)), Set.of(1L + r.nextInt(60)));
            PostSearch base = new PostSearch(index, id -> viewer, Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC), () -> authors);
            PostSearch pruned = base.pruningTopFrom(300);
            PostSearch full = base.scoringEveryMatch();
            String[] queries = {"such", "the into", "lang:es", "min_faves:1", "-filter:replies", "such -filter:replies", "from:u7", "their lang:en"};
            int[][] pages = {{0, 20}, {20, 20}, {0, 1}, {0, 100}, {97, 3}};
            for (String q : queries) {
                for (Long v : new Long[] {null, viewer.accountId()}) {
                    for (int[] page : pages) {
                        SearchResult.Hits want = assertInstanceOf(SearchResult.Hits.class, full.search(v, q, SearchMode.TOP, page[0], page[1]));
                        SearchResult.Hits got = assertInstanceOf(SearchResult.Hits.class, pruned.search(v, q, SearchMode.TOP, page[0], page[1]));
                        String what = "seed " + seed + ", query '" + q + "', viewer " + v + ", offset " + page[0] + ", limit " + page[1];
                        assertEquals(want.postIds(), got.postIds(), what);
                        assertEquals(want.total(), got.total(), what);
                    }
                }
            }
            // and (on a known network) it does prune: the match-all query of an anonymous viewer gets a candidate filter
            var lexical = new BooleanQuery.Builder()
                    .add(new QueryCompiler(index.analyzer()).compile(((ParseResult.Parsed) QueryParser.parse("such")).query()).lexical(), Occur.MUST)
                    .add(ViewerFilter.anonymous(), Occur.FILTER).build();
            TopSignals signals = new TopSignals(now, PostSearch.HALF_LIFE_HOURS, authors);
            var candidates = index.withSearcher(s -> TopWithoutText.candidates(s, lexical, signals, 20, PostSearch.COUNT_EXACT_UP_TO, new long[1], 300));
            if (mustPrune) {
                assertNotNull(candidates, "seed " + seed + ": no pruning for the match-all query");
            }
        }
    }
}
