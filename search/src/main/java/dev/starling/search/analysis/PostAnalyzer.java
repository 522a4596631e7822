package dev.starling.search.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;

/**
 * The analysis chain for post text, used at index and at query time:
 * {@link PostTokenizer} (entities whole, Unicode words, emoji, CJK characters) → CJK width
 * folding → CJK bigrams (so that Chinese, Japanese and Korean match pairs, not scattered
 * characters) → lower case → accent folding (ASCII) → English possessives → English stop words
 * → Porter stemming (entities are keywords and are not stemmed).
 */
public final class PostAnalyzer extends Analyzer {

    private final CharArraySet stopWords;
    private final boolean stackHashtagWords;

    /** The query-time chain (a hashtag is the single token {@code #tag}). */
    public PostAnalyzer() {
        this(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, false);
    }

    public PostAnalyzer(CharArraySet stopWords) {
        this(stopWords, false);
    }

    private PostAnalyzer(CharArraySet stopWords, boolean stackHashtagWords) {
        this.stopWords = stopWords;
        this.stackHashtagWords = stackHashtagWords;
    }

    /**
     * The index-time chain: as the query-time one, but each hashtag also yields its bare word (stemmed like
     * any word) at the same position, so {@code birding} finds posts tagged {@code #birding} as X's search
     * does, while the query {@code #birding} still means the tag.
     */
    public static PostAnalyzer forIndexing() {
        return new PostAnalyzer(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, true);
    }

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        PostTokenizer source = new PostTokenizer(stackHashtagWords);
        TokenStream ts = new CJKWidthFilter(source);
        ts = new CJKBigramFilter(ts);
        ts = new LowerCaseFilter(ts);
        ts = new ASCIIFoldingFilter(ts);
        ts = new EnglishPossessiveFilter(ts);
        ts = new StopFilter(ts, stopWords);
        ts = new PorterStemFilter(ts);
        return new TokenStreamComponents(source, ts);
    }

    @Override
    protected TokenStream normalize(String fieldName, TokenStream in) {
        return new ASCIIFoldingFilter(new LowerCaseFilter(new CJKWidthFilter(in)));
    }
}
