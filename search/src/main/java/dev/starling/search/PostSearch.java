package dev.starling.search;

import dev.starling.search.authors.AuthorSignals;
import dev.starling.search.index.PostFields;
import dev.starling.search.index.PostIndex;
import dev.starling.search.query.Fusion;
import dev.starling.search.query.ParseResult;
import dev.starling.search.query.QueryCompiler;
import dev.starling.search.query.QueryParser;
import dev.starling.search.query.SearchMode;
import dev.starling.search.query.SearchResult;
import dev.starling.search.query.TopSignals;
import dev.starling.search.query.TopWithoutText;
import dev.starling.search.query.ViewerFilter;
import dev.starling.social.export.PostExport;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.queries.function.FunctionScoreQuery;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.TopScoreDocCollectorManager;
import org.apache.lucene.util.QueryBuilder;

/**
 * Searching posts as a viewer: parses the X-style query ({@link QueryParser}), adds the viewer's
 * visibility filter ({@link ViewerFilter}) inside the Lucene query, and orders by
 * {@link SearchMode}. Thread-safe.
 *
 * <pre>{@code
 * SearchResult r = search.search(viewerId, "#java from:alice -filter:replies", SearchMode.LATEST, 0, 20);
 * }</pre>
 */
public final class PostSearch {

    public static final int MAX_LIMIT = 100;
    public static final int MAX_OFFSET = 10_000;
    /** Candidates per side for SEMANTIC and HYBRID at most (their pages reach at most this far). */
    public static final int CANDIDATES = 200;
    /** Candidates per side at least: a first page of 20 fuses the best 50 of each side. */
    public static final int MIN_CANDIDATES = 50;
    public static final double HALF_LIFE_HOURS = 72;
    /** Totals are exact up to this many matches, a lower bound beyond. */
    public static final int COUNT_EXACT_UP_TO = 10_000;

    private final PostIndex index;
    private final Function<Long, PostExport.Relations> relations;
    private final QueryCompiler compiler;
    private final Clock clock;
    private final Supplier<AuthorSignals> authors;
    /** {@link TopWithoutText}'s newest matches looked at first; 0: no pruning. */
    private final int topNewest;

    /** {@code export} supplies each viewer's follows, blocks and mutes (may be null when only {@link #rank} is used). */
    public PostSearch(PostIndex index, PostExport export, Clock clock) {
        this(index, export == null ? id -> {
            throw new IllegalStateException("no relations source for viewer " + id);
        } : export::relations, clock);
    }

    /** With another source of viewer relations (benchmarks, caches); no author signal. */
    public PostSearch(PostIndex index, Function<Long, PostExport.Relations> relations, Clock clock) {
        this(index, relations, clock, () -> AuthorSignals.NONE);
    }

    /**
     * With the author signal of Top from {@code authors} (e.g. an
     * {@link dev.starling.search.authors.AuthorSignalsSource}), asked once per Top or hybrid query.
     */
    public PostSearch(PostIndex index, Function<Long, PostExport.Relations> relations, Clock clock, Supplier<AuthorSignals> authors) {
        this(index, relations, clock, authors, TopWithoutText.MIN_NEWEST);
    }

    private PostSearch(PostIndex index, Function<Long, PostExport.Relations> relations, Clock clock, Supplier<AuthorSignals> authors,
                       int topNewest) {
        this.topNewest = topNewest;
        this.index = index;
        this.relations = relations;
        this.compiler = new QueryCompiler(index.analyzer());
        this.clock = clock;
        this.authors = authors;
    }

    /** Searches as {@code viewerId} (null: anonymous). */
    public SearchResult search(Long viewerId, String q, SearchMode mode, int offset, int limit) {
        return search(viewerId, q, mode, offset, limit, null, false);
    }

    /**
     * As {@link #search(Long, String, SearchMode, int, int)}, restricted to posts of {@code authorId}
     * (when not null) and, when {@code followingOnly}, to authors the viewer follows (Mastodon's
     * {@code account_id} and {@code following}).
     */
    public SearchResult search(Long viewerId, String q, SearchMode mode, int offset, int limit, Long authorId, boolean followingOnly) {
        if (limit < 1 || limit > MAX_LIMIT) {
            return new SearchResult.Invalid("limit must be 1.." + MAX_LIMIT + ", was " + limit);
        }
        if (offset < 0 || offset > MAX_OFFSET) {
            return new SearchResult.Invalid("offset must be 0.." + MAX_OFFSET + ", was " + offset);
        }
        ParseResult parsed = QueryParser.parse(q);
        if (parsed instanceof ParseResult.Invalid inv) {
            return new SearchResult.Invalid(inv.toString());
        }
        QueryCompiler.Compiled c = compiler.compile(((ParseResult.Parsed) parsed).query());
        PostExport.Relations relations = viewerId == null ? null : this.relations.apply(viewerId);
        Query viewerFilter = relations == null ? ViewerFilter.anonymous() : ViewerFilter.of(relations);
        if (authorId != null || followingOnly) {
            BooleanQuery.Builder b = new BooleanQuery.Builder().add(viewerFilter, Occur.FILTER);
            if (authorId != null) {
                b.add(LongPoint.newExactQuery(PostFields.AUTHOR, authorId), Occur.FILTER);
            }
            if (followingOnly) {
                b.add(relations == null || relations.following().isEmpty() ? new MatchNoDocsQuery()
                        : ViewerFilter.authors(relations.following()), Occur.FILTER);
            }
            viewerFilter = b.build();
        }
        Query visible = viewerFilter;
        Query lexical = filtered(c.lexical(), visible);
        SearchMode effective = (mode == SearchMode.SEMANTIC || mode == SearchMode.HYBRID) && (index.embedder() == null || !c.hasText())
                ? SearchMode.TOP : mode;
        String text = ((ParseResult.Parsed) parsed).query().positiveText();
        int window = candidates(offset, limit);
        return index.withSearcher(s -> switch (effective) {
            case LATEST -> page(s, s.search(lexical, new TopFieldCollectorManager(
                    new Sort(new SortField(PostFields.ID, SortField.Type.LONG, true)), offset + limit, null, COUNT_EXACT_UP_TO)), offset, limit);
            case TOP -> !c.hasText() && topNewest > 0 ? topWithoutText(s, lexical, offset, limit)
                    : page(s, s.search(top(lexical), new TopScoreDocCollectorManager(offset + limit, null, COUNT_EXACT_UP_TO)), offset, limit);
            case SEMANTIC -> window(semantic(s, text, filtered(c.nonText(), visible), window), offset, limit);
            case HYBRID -> window(Fusion.reciprocalRank(List.of(
                    ids(s, s.search(top(lexical), window)),
                    semantic(s, text, filtered(c.nonText(), visible), window)), Fusion.K), offset, limit);
        });
    }

    /**
     * Ranked ids for a natural-language text (any term may match, BM25 only; no operators, no
     * visibility: anonymous view) — the retrieval that evaluation collections measure.
     */
    public List<Long> rank(String text, SearchMode mode, int k) {
        Query bag = new QueryBuilder(index.analyzer()).createBooleanQuery(PostFields.TEXT, text, Occur.SHOULD);
        Query lexical = bag == null ? null : filtered(bag, ViewerFilter.anonymous());
        return index.withSearcher(s -> switch (mode) {
            case LATEST, TOP -> lexical == null ? List.<Long>of() : ids(s, s.search(lexical, k));
            case SEMANTIC -> semantic(s, text, ViewerFilter.anonymous(), k);
            case HYBRID -> {
                List<Long> fused = Fusion.reciprocalRank(List.of(
                        lexical == null ? List.of() : ids(s, s.search(lexical, Math.max(k, CANDIDATES))),
                        semantic(s, text, ViewerFilter.anonymous(), Math.max(k, CANDIDATES))), Fusion.K);
                yield fused.subList(0, Math.min(k, fused.size()));
            }
        });
    }

    private Query top(Query lexical) {
        return new FunctionScoreQuery(lexical, signals());
    }

    private TopSignals signals() {
        return new TopSignals(clock.millis(), HALF_LIFE_HOURS, authors.get());
    }

    /** Top for a query without words, scoring only the posts that can reach the page ({@link TopWithoutText}); same result as scoring all. */
    private SearchResult topWithoutText(IndexSearcher s, Query lexical, int offset, int limit) throws IOException {
        TopSignals signals = signals();
        long[] total = {0};
        Query candidates = TopWithoutText.candidates(s, lexical, signals, offset + limit, COUNT_EXACT_UP_TO, total, topNewest);
        if (candidates == null) {
            return page(s, s.search(new FunctionScoreQuery(lexical, signals), new TopScoreDocCollectorManager(offset + limit, null, COUNT_EXACT_UP_TO)),
                    offset, limit);
        }
        TopDocs td = s.search(new FunctionScoreQuery(filtered(lexical, candidates), signals), offset + limit);
        List<Long> all = ids(s, td);
        List<Long> page = offset >= all.size() ? List.of() : all.subList(offset, Math.min(all.size(), offset + limit));
        return new SearchResult.Hits(total[0], List.copyOf(page));
    }

    /** The same searcher without {@link TopWithoutText}'s pruning (tests compare the two). */
    PostSearch scoringEveryMatch() {
        return new PostSearch(index, relations, clock, authors, 0);
    }

    /** The same searcher with {@link TopWithoutText} looking at {@code newest} matches first (tests: small indexes). */
    PostSearch pruningTopFrom(int newest) {
        return new PostSearch(index, relations, clock, authors, newest);
    }

    /**
     * Candidates per side for a semantic or hybrid page: twice what the page reaches, between
     * {@value #MIN_CANDIDATES} and {@value #CANDIDATES}. The HNSW search explores about this many
     * neighbours per segment, so a first page costs a quarter of the deepest one; fusion over twice
     * the page keeps the page's order stable against the items just below it.
     */
    static int candidates(int offset, int limit) {
        return Math.min(CANDIDATES, Math.max(MIN_CANDIDATES, 2 * (offset + limit)));
    }

    private List<Long> semantic(IndexSearcher s, String text, Query filter, int k) throws IOException {
        if (index.embedder() == null) {
            return List.of();
        }
        float[] v = index.embedder().embed(text);
        return ids(s, s.search(new KnnFloatVectorQuery(PostFields.VECTOR, v, k, filter), k));
    }

    private static Query filtered(Query q, Query filter) {
        return new BooleanQuery.Builder().add(q, Occur.MUST).add(filter, Occur.FILTER).build();
    }

    private static SearchResult page(IndexSearcher s, TopDocs td, int offset, int limit) throws IOException {
        List<Long> all = ids(s, td);
        List<Long> page = offset >= all.size() ? List.of() : all.subList(offset, Math.min(all.size(), offset + limit));
        return new SearchResult.Hits(td.totalHits.value(), List.copyOf(page));
    }

    private static SearchResult window(List<Long> ranked, int offset, int limit) {
        List<Long> page = offset >= ranked.size() ? List.of() : ranked.subList(offset, Math.min(ranked.size(), offset + limit));
        return new SearchResult.Hits(ranked.size(), List.copyOf(page));
    }

    /**
     * The post ids of the hits, in hit order, read from the id doc values (visiting the hits in
     * document order, as doc values iterate forward) rather than loading each stored document,
     * which also holds the 1.5 KB vector.
     */
    private static List<Long> ids(IndexSearcher s, TopDocs td) throws IOException {
        ScoreDoc[] hits = td.scoreDocs;
        Integer[] byDoc = new Integer[hits.length];
        for (int i = 0; i < hits.length; i++) {
            byDoc[i] = i;
        }
        Arrays.sort(byDoc, Comparator.comparingInt(i -> hits[i].doc));
        List<LeafReaderContext> leaves = s.getIndexReader().leaves();
        long[] ids = new long[hits.length];
        int leafIndex = -1;
        LeafReaderContext leaf = null;
        NumericDocValues values = null;
        for (int i : byDoc) {
            int doc = hits[i].doc;
            int li = ReaderUtil.subIndex(doc, leaves);
            if (li != leafIndex) {
                leafIndex = li;
                leaf = leaves.get(li);
                values = DocValues.getNumeric(leaf.reader(), PostFields.ID);
            }
            if (!values.advanceExact(doc - leaf.docBase)) {
                throw new IllegalStateException("index document " + doc + " has no post id");
            }
            ids[i] = values.longValue();
        }
        List<Long> out = new ArrayList<>(hits.length);
        for (long id : ids) {
            out.add(id);
        }
        return out;
    }
}
