package dev.starling.search.query;

import dev.starling.search.index.PostFields;
import java.io.IOException;
import java.util.Objects;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.DoubleValues;
import org.apache.lucene.search.DoubleValuesSource;
import org.apache.lucene.search.IndexSearcher;

/**
 * The "Top" score: text relevance (BM25) times an engagement factor times a recency factor,
 * <pre>
 * score = bm25 * (1 + 0.3 * ln(1 + faves + 2 * reposts)) * (0.3 + 0.7 * 2^(-ageHours / halfLifeHours))
 * </pre>
 * so that among posts that match about equally, liked and recent ones come first, and a match
 * that is old or unnoticed still ranks when its text matches much better.
 */
public final class TopSignals extends DoubleValuesSource {

    private final long nowMillis;
    private final double halfLifeHours;

    public TopSignals(long nowMillis, double halfLifeHours) {
        this.nowMillis = nowMillis;
        this.halfLifeHours = halfLifeHours;
    }

    @Override
    public DoubleValues getValues(LeafReaderContext ctx, DoubleValues scores) throws IOException {
        NumericDocValues faves = DocValues.getNumeric(ctx.reader(), PostFields.FAVES);
        NumericDocValues reposts = DocValues.getNumeric(ctx.reader(), PostFields.REPOSTS);
        NumericDocValues created = DocValues.getNumeric(ctx.reader(), PostFields.CREATED);
        return new DoubleValues() {
            double value;

            @Override
            public double doubleValue() {
                return value;
            }

            @Override
            public boolean advanceExact(int doc) throws IOException {
                double s = scores != null && scores.advanceExact(doc) ? scores.doubleValue() : 1.0;
                long f = faves.advanceExact(doc) ? faves.longValue() : 0;
                long r = reposts.advanceExact(doc) ? reposts.longValue() : 0;
                long c = created.advanceExact(doc) ? created.longValue() : nowMillis;
                double ageHours = Math.max(0, nowMillis - c) / 3_600_000.0;
                value = s * (1 + 0.3 * Math.log1p(f + 2.0 * r)) * (0.3 + 0.7 * Math.pow(2, -ageHours / halfLifeHours));
                return true;
            }
        };
    }

    @Override
    public boolean needsScores() {
        return true;
    }

    @Override
    public DoubleValuesSource rewrite(IndexSearcher searcher) {
        return this;
    }

    @Override
    public boolean isCacheable(LeafReaderContext ctx) {
        return false;
    }

    @Override
    public int hashCode() {
        return Objects.hash(nowMillis, halfLifeHours);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopSignals t && t.nowMillis == nowMillis && t.halfLifeHours == halfLifeHours;
    }

    @Override
    public String toString() {
        return "TopSignals(now=" + nowMillis + ", halfLifeHours=" + halfLifeHours + ")";
    }
}
