package dev.starling.search.eval;

import dev.starling.search.PostSearch;
import dev.starling.search.embed.Embedder;
import dev.starling.search.index.PostIndex;
import dev.starling.search.query.SearchMode;
import dev.starling.social.export.PostExport;
import dev.starling.social.export.PostExport.ExportedPost;
import dev.starling.social.posts.Entities;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * Evaluates retrieval on a {@link SmartCollection}: the collection's documents are indexed as
 * public posts of one author (same analyzer, fields and vectors as real posts), every judged query
 * is run as natural-language text ({@link PostSearch#rank}), and nDCG@10, MAP (over the top
 * {@link #DEPTH}) and recall@100 are averaged over the judged queries.
 */
public final class SearchEvaluation implements AutoCloseable {

    public static final int DEPTH = 1000;

    /** One line of the result table. */
    public record Row(String system, double ndcg10, double map, double recall100, int queries, long millis) {
        public String format() {
            return String.format(Locale.ROOT, "%-28s %8.4f %8.4f %10.4f %8d %9d", system, ndcg10, map, recall100, queries, millis);
        }

        public static String header() {
            return String.format(Locale.ROOT, "%-28s %8s %8s %10s %8s %9s", "system", "nDCG@10", "MAP", "recall@100", "queries", "millis");
        }
    }

    /** Anything that ranks document ids for a query text. */
    @FunctionalInterface
    public interface Ranker {
        List<Long> rank(String query, int k);
    }

    private final SmartCollection collection;
    private final PostIndex index;
    private final PostSearch search;

    /** Indexes the collection in memory (with vectors when {@code embedder} is not null); {@code progress} gets documents done. */
    public SearchEvaluation(SmartCollection collection, Embedder embedder, IntConsumer progress) {
        this.collection = collection;
        this.index = PostIndex.open(new ByteBuffersDirectory(), embedder);
        this.search = new PostSearch(index, (PostExport) null, Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));
        List<Long> ids = new ArrayList<>(collection.documents().keySet());
        int done = 0;
        for (int from = 0; from < ids.size(); from += 64) {
            List<Long> batch = ids.subList(from, Math.min(ids.size(), from + 64));
            Map<Long, ExportedPost> posts = new HashMap<>();
            for (Long id : batch) {
                posts.put(id, asPost(id, collection.documents().get(id)));
            }
            index.apply(batch, posts);
            done += batch.size();
            progress.accept(done);
        }
        index.refresh();
    }

    private static ExportedPost asPost(long id, String text) {
        Instant at = Instant.parse("2024-12-31T00:00:00Z");
        Post p = new Post(id, 1, text, PostVisibility.PUBLIC, null, null, null, null, null, "en", false, "", Entities.NONE, at, null);
        return new ExportedPost(p, "collection", null, 0, 0, 0);
    }

    public Ranker ranker(SearchMode mode) {
        return (q, k) -> search.rank(q, mode, k);
    }

    public Row evaluate(String system, Ranker ranker) {
        return evaluate(collection, system, ranker);
    }

    /** Runs every judged query of {@code collection} through {@code ranker} and averages the metrics. */
    public static Row evaluate(SmartCollection collection, String system, Ranker ranker) {
        long t0 = System.nanoTime();
        double ndcg = 0;
        double map = 0;
        double recall = 0;
        List<Long> queries = collection.judgedQueries();
        for (Long q : queries) {
            List<Long> ranked = ranker.rank(collection.queries().get(q), DEPTH);
            Set<Long> rel = collection.relevant().get(q);
            ndcg += RetrievalMetrics.ndcg(ranked, rel, 10);
            map += RetrievalMetrics.averagePrecision(ranked, rel);
            recall += RetrievalMetrics.recall(ranked, rel, 100);
        }
        int n = queries.size();
        return new Row(system, ndcg / n, map / n, recall / n, n, (System.nanoTime() - t0) / 1_000_000);
    }

    @Override
    public void close() {
        index.close();
    }
}
