package dev.starling.search.query;

import dev.starling.search.authors.AuthorSignals;
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
 * The "Top" score: text relevance (BM25) times an engagement factor, a recency factor and the
 * author factor,
 * <pre>
 * score = bm25 * (1 + 0.3 * ln(1 + faves + 2 * reposts)) * (0.3 + 0.7 * 2^(-ageHours / halfLifeHours)) * author
 * </pre>
 * so that among posts that match about equally, liked and recent ones, and those of authors with
 * an audience, come first, and a match that is old or unnoticed still ranks when its text matches
 * much better. {@code author} is {@link AuthorSignals#factor(long)}, bounded to [1, 1.2].
 */
public final class TopSignals extends DoubleValuesSource {

    private final long nowMillis;
    private final double halfLifeHours;
    private final AuthorSignals authors;

    public TopSignals(long nowMillis, double halfLifeHours) {
        this(nowMillis, halfLifeHours, AuthorSignals.NONE);
    }

    public TopSignals(long nowMillis, double halfLifeHours, AuthorSignals authors) {
        this.nowMillis = nowMillis;
        this.halfLifeHours = halfLifeHours;
        this.authors = authors;
    }

    @Override
    public DoubleValues getValues(LeafReaderContext ctx, DoubleValues scores) throws IOException {
        NumericDocValues faves = DocValues.getNumeric(ctx.reader(), PostFields.FAVES);
        NumericDocValues reposts = DocValues.getNumeric(ctx.reader(), PostFields.REPOSTS);
        NumericDocValues created = DocValues.getNumeric(ctx.reader(), PostFields.CREATED);
        NumericDocValues author = authors.size() == 0 ? null : DocValues.getNumeric(ctx.reader(), PostFields.AUTHOR);
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
                double a = author != null && author.advanceExact(doc) ? authors.factor(author.longValue()) : 1.0;
                value = s * (1 + 0.3 * Math.log1p(f + 2.0 * r)) * recency(c) * a;
                return true;
            }
        };
    }

    /** The largest author factor this scoring can apply. */
    public double maxAuthorFactor() {
        return authors.maxFactor();
    }

    /** The recency factor of a post created at {@code createdMillis}: 0.3 + 0.7 * 2^(-ageHours / halfLifeHours), in (0.3, 1]. */
    public double recency(long createdMillis) {
        double ageHours = Math.max(0, nowMillis - createdMillis) / 3_600_000.0;
        return 0.3 + 0.7 * Math.pow(2, -ageHours / halfLifeHours);
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
        return Objects.hash(nowMillis, halfLifeHours, System.identityHashCode(authors));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopSignals t && t.nowMillis == nowMillis && t.halfLifeHours == halfLifeHours && t.authors == authors;
    }

    @Override
    public String toString() {
        return "TopSignals(now=" + nowMillis + ", halfLifeHours=" + halfLifeHours + ", authors=" + authors.size() + ")";
    }
}
