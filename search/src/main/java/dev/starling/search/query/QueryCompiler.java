package dev.starling.search.query;

import dev.starling.search.index.PostFields;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexOrDocValuesQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.QueryBuilder;

/**
 * Turns a {@link SearchQuery} into Lucene queries over {@link PostFields}: text terms are analysed
 * with the post analyzer (so {@code running} finds {@code runs}, {@code #Tag} finds {@code #tag},
 * CJK becomes bigram phrases), operators become exact filters that do not score.
 */
public final class QueryCompiler {

    /** {@code lexical}: the whole query (scores on text); {@code nonText}: only what does not need the text to match (for the vector side). */
    public record Compiled(Query lexical, Query nonText, boolean hasText) {
    }

    private final QueryBuilder builder;

    public QueryCompiler(Analyzer analyzer) {
        this.builder = new QueryBuilder(analyzer);
    }

    public Compiled compile(SearchQuery q) {
        BooleanQuery.Builder lexical = new BooleanQuery.Builder();
        BooleanQuery.Builder nonText = new BooleanQuery.Builder();
        boolean positiveLexical = false;
        boolean positiveNonText = false;
        boolean hasText = false;
        for (List<SearchQuery.Term> written : q.groups()) {
            List<Alternative> group = alternatives(written);
            if (group.isEmpty()) {
                continue; // only stop words
            }
            boolean positiveTextInGroup = group.stream().anyMatch(a -> a.term().isText() && !a.term().negated());
            Query g = group(group);
            boolean scoring = positiveTextInGroup;
            boolean negatedSingle = group.size() == 1 && group.getFirst().term().negated();
            if (negatedSingle) {
                lexical.add(g, Occur.MUST_NOT);
                nonText.add(g, Occur.MUST_NOT);
            } else if (scoring) {
                lexical.add(g, Occur.MUST);
                positiveLexical = true;
                hasText = true;
            } else {
                lexical.add(g, Occur.FILTER);
                nonText.add(g, Occur.FILTER);
                positiveNonText = true;
            }
        }
        if (!positiveLexical) {
            lexical.add(new MatchAllDocsQuery(), Occur.MUST);
        }
        if (!positiveNonText) {
            nonText.add(new MatchAllDocsQuery(), Occur.FILTER);
        }
        return new Compiled(lexical.build(), nonText.build(), hasText);
    }

    /** A written term and its query (the term itself, not negated: the caller applies {@code negated}). */
    private record Alternative(SearchQuery.Term term, Query query) {
    }

    /**
     * The alternatives of a group that can match something: an alternative made only of stop words
     * (which are not indexed) is left out, as stop words are left out of a query that has other
     * words. So {@code shot OR into} means {@code shot}, not every post (an empty alternative would
     * match anything, and one stop word would turn the group into a scan of the whole index). A
     * group of stop words only is empty: the caller drops it, as it drops a lone stop word. Groups
     * without stop words are unchanged.
     */
    private List<Alternative> alternatives(List<SearchQuery.Term> group) {
        List<Alternative> out = new java.util.ArrayList<>(group.size());
        for (SearchQuery.Term t : group) {
            Query q = term(t);
            if (q != null) {
                out.add(new Alternative(t, q));
            }
        }
        return out;
    }

    /** A group's query (the term not negated inside when the group is a single negated term: the caller excludes it). */
    private static Query group(List<Alternative> group) {
        if (group.size() == 1) {
            return group.getFirst().query();
        }
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (Alternative a : group) {
            Query tq = a.query();
            if (a.term().negated()) {
                tq = new BooleanQuery.Builder().add(new MatchAllDocsQuery(), Occur.FILTER).add(tq, Occur.MUST_NOT).build();
            }
            b.add(tq, Occur.SHOULD);
        }
        return b.build();
    }

    private Query term(SearchQuery.Term t) {
        return switch (t.kind()) {
            case WORD -> builder.createBooleanQuery(PostFields.TEXT, t.value(), Occur.MUST);
            case PHRASE -> builder.createPhraseQuery(PostFields.TEXT, t.value());
            case HASHTAG -> builder.createBooleanQuery(PostFields.TEXT, "#" + t.value(), Occur.MUST);
            case MENTION -> builder.createBooleanQuery(PostFields.TEXT, "@" + t.value(), Occur.MUST);
            case CASHTAG -> builder.createBooleanQuery(PostFields.TEXT, "$" + t.value(), Occur.MUST);
            case FROM -> new TermQuery(new Term(PostFields.FROM, t.value()));
            case TO -> new TermQuery(new Term(PostFields.TO, t.value()));
            case LANG -> new TermQuery(new Term(PostFields.LANG, t.value()));
            case HAS_LINKS -> new TermQuery(new Term(PostFields.HAS, "links"));
            case REPLIES -> new TermQuery(new Term(PostFields.REPLY, "1"));
            case SINCE -> range(PostFields.CREATED, dayStartMillis(t.number()), Long.MAX_VALUE);
            case UNTIL -> range(PostFields.CREATED, Long.MIN_VALUE, dayStartMillis(t.number()) - 1);
            case MIN_FAVES -> range(PostFields.FAVES, t.number(), Long.MAX_VALUE);
            case MIN_REPOSTS -> range(PostFields.REPOSTS, t.number(), Long.MAX_VALUE);
        };
    }

    /**
     * A range over a field indexed as points and doc values: the points when the range leads, the
     * doc values when a selective part of the query leads (since:, min_faves: often match half the
     * index, and collecting that from the points for every query cost more than the words' matches).
     */
    private static Query range(String field, long from, long to) {
        return new IndexOrDocValuesQuery(LongPoint.newRangeQuery(field, from, to), NumericDocValuesField.newSlowRangeQuery(field, from, to));
    }

    private static long dayStartMillis(long epochDay) {
        return LocalDate.ofEpochDay(epochDay).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    static Query nothing() {
        return new MatchNoDocsQuery();
    }
}
