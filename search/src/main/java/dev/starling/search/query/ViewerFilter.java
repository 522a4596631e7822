package dev.starling.search.query;

import dev.starling.search.index.PostFields;
import dev.starling.social.export.PostExport.Relations;
import java.util.Set;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
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
        return IntPoint.newRangeQuery(PostFields.VISIBILITY, 0, 1);
    }

    public static Query of(Relations r) {
        BooleanQuery.Builder allowed = new BooleanQuery.Builder();
        allowed.add(IntPoint.newRangeQuery(PostFields.VISIBILITY, 0, 1), Occur.SHOULD);
        if (!r.following().isEmpty()) {
            allowed.add(new BooleanQuery.Builder()
                    .add(IntPoint.newExactQuery(PostFields.VISIBILITY, 2), Occur.FILTER)
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
                .add(LongPoint.newExactQuery(PostFields.AUTHOR, r.accountId()), Occur.SHOULD)
                .add(others.build(), Occur.SHOULD)
                .setMinimumNumberShouldMatch(1)
                .build();
    }

    private static Query authors(Set<Long> ids) {
        if (ids.isEmpty()) {
            return new MatchNoDocsQuery();
        }
        return LongPoint.newSetQuery(PostFields.AUTHOR, ids);
    }

    static Query all() {
        return new MatchAllDocsQuery();
    }
}
