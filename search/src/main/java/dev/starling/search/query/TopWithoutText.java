package dev.starling.search.query;

import dev.starling.search.index.PostFields;
import java.io.IOException;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexOrDocValuesQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TopDocs;

/**
 * Top for a query without words (only operators, or only stop words: "such" matches every visible
 * post) without scoring every match. Its score is {@link TopSignals} alone (the text part is the
 * constant 1), so it is bounded by recency and engagement:
 * <pre>
 * score(d) &lt;= (1 + 0.3 ln(1 + faves + 2 reposts)) * recency(created) * maxAuthorFactor
 * </pre>
 * A cut-off time T after which about {@code n} posts were created (found from the points' count
 * estimates, without visiting documents) gives the k-th best score S among the matches after it. A post older than T with faves + 2 reposts
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
        // the count as the full scoring reports it (exact up to countExactUpTo): a constant-score search stops there
        TopDocs counted = s.search(lexical, new org.apache.lucene.search.TopScoreDocCollectorManager(1, null, countExactUpTo));
        total[0] = counted.totalHits.value();
        if (counted.totalHits.relation() == org.apache.lucene.search.TotalHits.Relation.EQUAL_TO && total[0] < 4L * n) {
            return null; // few matches (counted exactly): scoring all is as cheap
        }
        // the cut: a creation time with about n posts (of all, from the points' estimates) at or after it; any cut is
        // correct (the k-th score below is computed exactly over the matches after it), n only makes it effective
        long cutMillis = newestCut(s, n);
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

    /** A creation time such that about {@code n} posts were created at or after it (binary search on the points' count estimates). */
    static long newestCut(IndexSearcher s, int n) throws IOException {
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (var leaf : s.getIndexReader().leaves()) {
            org.apache.lucene.index.PointValues pv = leaf.reader().getPointValues(PostFields.CREATED);
            if (pv != null) {
                lo = Math.min(lo, LongPoint.decodeDimension(pv.getMinPackedValue(), 0));
                hi = Math.max(hi, LongPoint.decodeDimension(pv.getMaxPackedValue(), 0));
            }
        }
        if (lo > hi) {
            return Long.MIN_VALUE;
        }
        while (lo < hi) {
            long mid = lo + (hi - lo + 1) / 2;
            if (estimateAtOrAfter(s, mid) >= n) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private static long estimateAtOrAfter(IndexSearcher s, long fromMillis) throws IOException {
        byte[] from = new byte[Long.BYTES];
        LongPoint.encodeDimension(fromMillis, from, 0);
        long count = 0;
        for (var leaf : s.getIndexReader().leaves()) {
            org.apache.lucene.index.PointValues pv = leaf.reader().getPointValues(PostFields.CREATED);
            if (pv == null) {
                continue;
            }
            count += pv.estimatePointCount(new org.apache.lucene.index.PointValues.IntersectVisitor() {
                @Override
                public void visit(int docID) {
                }

                @Override
                public void visit(int docID, byte[] packedValue) {
                }

                @Override
                public org.apache.lucene.index.PointValues.Relation compare(byte[] minPackedValue, byte[] maxPackedValue) {
                    if (java.util.Arrays.compareUnsigned(maxPackedValue, 0, Long.BYTES, from, 0, Long.BYTES) < 0) {
                        return org.apache.lucene.index.PointValues.Relation.CELL_OUTSIDE_QUERY;
                    }
                    return java.util.Arrays.compareUnsigned(minPackedValue, 0, Long.BYTES, from, 0, Long.BYTES) >= 0
                            ? org.apache.lucene.index.PointValues.Relation.CELL_INSIDE_QUERY
                            : org.apache.lucene.index.PointValues.Relation.CELL_CROSSES_QUERY;
                }
            });
        }
        return count;
    }

    private static Query range(String field, long from, long to) {
        return new IndexOrDocValuesQuery(LongPoint.newRangeQuery(field, from, to), NumericDocValuesField.newSlowRangeQuery(field, from, to));
    }
}
