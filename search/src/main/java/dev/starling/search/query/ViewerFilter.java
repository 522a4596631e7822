package dev.starling.search.query;

import dev.starling.search.index.PostFields;
import dev.starling.social.export.PostExport.Relations;
import java.util.Set;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexOrDocValuesQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;

/**
 * {@link dev.starling.social.visibility.Visibility#canSee} as a Lucene filter over indexed posts
 * (originals only), applied inside the search query so that counts, scores and pages are computed
 * over visible posts only:
 * <pre>
 * author = V
 * OR (author not blocked either way AND author not muted
 *     AND (visibility in {public, unlisted} OR (visibility = private AND author followed by V) OR V mentioned))
 * </pre>
 * Mutes are not visibility in {@code social}, but search hides muted authors as Mastodon does.
 * Anonymous viewers see public and unlisted posts.
 */
public final class ViewerFilter {

    private ViewerFilter() {
    }

    public static Query anonymous() {
        return publicOrUnlisted();
    }

    /**
     * Visibility public or unlisted: from the points when the filter leads (e.g. kNN builds its
     * accepted set), from doc values when a selective query leads (a rare word checks a few hundred
     * documents instead of every public post's point being collected into a set per query).
     */
    private static Query publicOrUnlisted() {
        return new IndexOrDocValuesQuery(IntPoint.newRangeQuery(PostFields.VISIBILITY, 0, 1),
                NumericDocValuesField.newSlowRangeQuery(PostFields.VISIBILITY, 0, 1));
    }

    public static Query of(Relations r) {
        BooleanQuery.Builder allowed = new BooleanQuery.Builder();
        allowed.add(publicOrUnlisted(), Occur.SHOULD);
        if (!r.following().isEmpty()) {
            allowed.add(new BooleanQuery.Builder()
                    .add(new IndexOrDocValuesQuery(IntPoint.newExactQuery(PostFields.VISIBILITY, 2),
                            NumericDocValuesField.newSlowExactQuery(PostFields.VISIBILITY, 2)), Occur.FILTER)
                    .add(authors(r.following()), Occur.FILTER)
                    .build(), Occur.SHOULD);
        }
        allowed.add(LongPoint.newExactQuery(PostFields.MENTION, r.accountId()), Occur.SHOULD);
        BooleanQuery.Builder others = new BooleanQuery.Builder().add(allowed.build(), Occur.FILTER);
        if (!r.blockedEitherWay().isEmpty()) {
            others.add(authors(r.blockedEitherWay()), Occur.MUST_NOT);
        }
        if (!r.muted().isEmpty()) {
            others.add(authors(r.muted()), Occur.MUST_NOT);
        }
        return new BooleanQuery.Builder()
                .add(new IndexOrDocValuesQuery(LongPoint.newExactQuery(PostFields.AUTHOR, r.accountId()),
                        NumericDocValuesField.newSlowExactQuery(PostFields.AUTHOR, r.accountId())), Occur.SHOULD)
                .add(others.build(), Occur.SHOULD)
                .setMinimumNumberShouldMatch(1)
                .build();
    }

    /** Posts by any of {@code ids} (points or doc values, whichever is cheaper where it is used). */
    public static Query authors(Set<Long> ids) {
        if (ids.isEmpty()) {
            return new MatchNoDocsQuery();
        }
        long[] a = ids.stream().mapToLong(Long::longValue).toArray();
        return new IndexOrDocValuesQuery(LongPoint.newSetQuery(PostFields.AUTHOR, a), NumericDocValuesField.newSlowSetQuery(PostFields.AUTHOR, a));
    }

    static Query all() {
        return new MatchAllDocsQuery();
    }
}
