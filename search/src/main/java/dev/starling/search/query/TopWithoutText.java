package dev.starling.search.query;

import dev.starling.search.index.PostFields;
import java.io.IOException;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexOrDocValuesQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopFieldCollectorManager;

/**
 * Top for a query without words (only operators, or only stop words: "such" matches every visible
 * post) without scoring every match. Its score is {@link TopSignals} alone (the text part is the
 * constant 1), so it is bounded by recency and engagement:
 * <pre>
 * score(d) &lt;= (1 + 0.3 ln(1 + faves + 2 reposts)) * recency(created) * maxAuthorFactor
 * </pre>
 * The newest {@code n} matches (a sorted search, which Lucene ends early) give the k-th best score
 * S among them and the cut-off time T of the n-th. A post older than T with faves + 2 reposts
 * &lt;= F, where F is the largest count whose bound stays below S, cannot reach the first k, so the
 * exact Top query only needs the posts created at or after T, or with faves or reposts above F/3
 * (if both are at most floor(F/3), faves + 2 reposts &lt;= F). The result equals the full
 * scoring's, scores and order included: the same query scores the same documents, and every
 * document left out scores below the k-th.
 */
public final class TopWithoutText {

    /**
     * Newest matches looked at first, at least: enough that their k-th score is high (the best of
     * many) and their age already lowers the recency bound of everything older.
     */
    public static final int MIN_NEWEST = 10_000;
    /** Relative safety margin on the bound (float scores, rounding of the author factor). */
    static final double MARGIN = 1e-5;

    private TopWithoutText() {
    }

    /**
     * The candidate filter for the first {@code k} of {@code top} (= {@code lexical} scored by
     * {@code signals}), or null when pruning cannot help (few matches, or no bound below the
     * k-th score); {@code total} receives the match count (exact up to {@code countExactUpTo}).
     */
    public static Query candidates(IndexSearcher s, Query lexical, TopSignals signals, int k, int countExactUpTo, long[] total) throws IOException {
        return candidates(s, lexical, signals, k, countExactUpTo, total, MIN_NEWEST);
    }

    /** As above, looking at {@code minNewest} newest matches at least (tests use small indexes). */
    public static Query candidates(IndexSearcher s, Query lexical, TopSignals signals, int k, int countExactUpTo, long[] total, int minNewest)
            throws IOException {
        int n = Math.max(minNewest, 20 * k);
        Sort newestFirst = new Sort(new SortField(PostFields.CREATED, SortField.Type.LONG, true));
        TopDocs newest = s.search(lexical, new TopFieldCollectorManager(newestFirst, n, null, countExactUpTo));
        total[0] = newest.totalHits.value();
        if (newest.scoreDocs.length < n) {
            return null; // every match is among them: scoring all is as cheap
        }
        long cutMillis = (Long) ((FieldDoc) newest.scoreDocs[n - 1]).fields[0];
        Query recent = range(PostFields.CREATED, cutMillis, Long.MAX_VALUE);
        TopDocs best = s.search(new org.apache.lucene.queries.function.FunctionScoreQuery(
                new BooleanQuery.Builder().add(lexical, Occur.MUST).add(recent, Occur.FILTER).build(), signals), k);
        if (best.scoreDocs.length < k) {
            return null;
        }
        double kth = best.scoreDocs[k - 1].score;
        double ceiling = signals.recency(cutMillis) * signals.maxAuthorFactor() * (1 + MARGIN);
        // largest F with (1 + 0.3 ln(1 + F)) * ceiling < kth
        double lnBound = (kth / ceiling - 1) / 0.3;
        if (lnBound <= 0) {
            return null; // even an old post with no likes could reach the first k
        }
        double f = Math.expm1(lnBound);
        long maxCount = f >= 3e17 ? Long.MAX_VALUE / 4 : (long) Math.floor(f);
        if ((1 + 0.3 * Math.log1p(maxCount)) * ceiling >= kth) {
            maxCount--; // rounding at the edge
        }
        if (maxCount < 0) {
            return null;
        }
        long above = maxCount / 3 + 1;
        long estimate = s.count(recent) + s.count(range(PostFields.FAVES, above, Long.MAX_VALUE)) + s.count(range(PostFields.REPOSTS, above, Long.MAX_VALUE));
        if (estimate > s.getIndexReader().maxDoc() / 4) {
            return null; // the bound leaves too much: scoring every match is as cheap
        }
        return new BooleanQuery.Builder()
                .add(recent, Occur.SHOULD)
                .add(range(PostFields.FAVES, above, Long.MAX_VALUE), Occur.SHOULD)
                .add(range(PostFields.REPOSTS, above, Long.MAX_VALUE), Occur.SHOULD)
                .setMinimumNumberShouldMatch(1)
                .build();
    }

    private static Query range(String field, long from, long to) {
        return new IndexOrDocValuesQuery(LongPoint.newRangeQuery(field, from, to), NumericDocValuesField.newSlowRangeQuery(field, from, to));
    }
}
