package dev.starling.search.analysis;

import com.twitter.twittertext.Extractor;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.KeywordAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.tokenattributes.TypeAttribute;

/**
 * Splits a post into tokens: the entities twitter-text finds (hashtags, mentions, cashtags, URLs)
 * become one token each, with their sigil ({@code #tag}, {@code @name}, {@code $CASH}) and marked
 * as keywords (so that stemmers leave them alone); the text between them goes through Lucene's
 * {@link StandardTokenizer} (Unicode word breaks: words, numbers, emoji as {@code <EMOJI>},
 * CJK characters one by one with their script types, which {@code CJKBigramFilter} pairs).
 *
 * <p>Reads at most {@link #MAX_CHARS} characters of input; the rest is ignored.
 */
public final class PostTokenizer extends Tokenizer {

    public static final int MAX_CHARS = 100_000;
    public static final String TYPE_HASHTAG = "<HASHTAG>";
    public static final String TYPE_MENTION = "<MENTION>";
    public static final String TYPE_CASHTAG = "<CASHTAG>";
    public static final String TYPE_URL = "<URL>";

    private record Tok(String term, int start, int end, String type, boolean keyword, int positionIncrement) {
        Tok(String term, int start, int end, String type, boolean keyword) {
            this(term, start, end, type, keyword, 1);
        }
    }

    private final CharTermAttribute termAtt = addAttribute(CharTermAttribute.class);
    private final OffsetAttribute offsetAtt = addAttribute(OffsetAttribute.class);
    private final TypeAttribute typeAtt = addAttribute(TypeAttribute.class);
    private final KeywordAttribute keywordAtt = addAttribute(KeywordAttribute.class);
    private final PositionIncrementAttribute posAtt = addAttribute(PositionIncrementAttribute.class);
    private final Extractor extractor = new Extractor();
    private final StandardTokenizer words = new StandardTokenizer();
    private final List<Tok> pending = new ArrayList<>();
    private int next;
    private int finalOffset;

    private final boolean stackHashtagWords;

    /** The query-time tokenizer: a hashtag is one token, {@code #tag}. */
    public PostTokenizer() {
        this(false);
    }

    /**
     * @param stackHashtagWords when true (index time), a hashtag also yields its bare word at the same
     *     position ({@code #birding} and {@code birding}), so a plain-word query finds tagged posts while
     *     a {@code #birding} query still matches the tag only
     */
    public PostTokenizer(boolean stackHashtagWords) {
        this.stackHashtagWords = stackHashtagWords;
        extractor.setExtractURLWithoutProtocol(true);
    }

    @Override
    public void reset() throws IOException {
        super.reset();
        pending.clear();
        next = 0;
        String text = readAll();
        finalOffset = correctOffset(text.length());
        List<Extractor.Entity> entities = extractor.extractEntitiesWithIndices(text);
        int at = 0;
        for (Extractor.Entity e : entities) {
            if (e.getStart() < at) {
                continue; // overlapping entity (twitter-text removes these, but be safe)
            }
            words(text, at, e.getStart());
            String term = switch (e.getType()) {
                case HASHTAG -> "#" + e.getValue();
                case MENTION -> "@" + e.getValue();
                case CASHTAG -> "$" + e.getValue();
                case URL -> e.getValue();
            };
            String type = switch (e.getType()) {
                case HASHTAG -> TYPE_HASHTAG;
                case MENTION -> TYPE_MENTION;
                case CASHTAG -> TYPE_CASHTAG;
                case URL -> TYPE_URL;
            };
            pending.add(new Tok(term, e.getStart(), e.getEnd(), type, true));
            if (stackHashtagWords && e.getType() == Extractor.Entity.Type.HASHTAG) {
                pending.add(new Tok(e.getValue(), e.getStart(), e.getEnd(), "<ALPHANUM>", false, 0));
            }
            at = e.getEnd();
        }
        words(text, at, text.length());
    }

    private String readAll() throws IOException {
        StringBuilder sb = new StringBuilder();
        char[] buf = new char[4096];
        int n;
        while ((n = input.read(buf)) != -1 && sb.length() < MAX_CHARS) {
            sb.append(buf, 0, Math.min(n, MAX_CHARS - sb.length()));
        }
        return sb.toString();
    }

    private void words(String text, int from, int to) throws IOException {
        if (from >= to) {
            return;
        }
        words.setReader(new StringReader(text.substring(from, to)));
        words.reset();
        CharTermAttribute t = words.getAttribute(CharTermAttribute.class);
        OffsetAttribute o = words.getAttribute(OffsetAttribute.class);
        TypeAttribute ty = words.getAttribute(TypeAttribute.class);
        while (words.incrementToken()) {
            pending.add(new Tok(t.toString(), from + o.startOffset(), from + o.endOffset(), ty.type(), false));
        }
        words.end();
        words.close();
    }

    @Override
    public boolean incrementToken() {
        if (next >= pending.size()) {
            return false;
        }
        clearAttributes();
        Tok t = pending.get(next++);
        termAtt.setEmpty().append(t.term());
        offsetAtt.setOffset(correctOffset(t.start()), correctOffset(t.end()));
        typeAtt.setType(t.type());
        keywordAtt.setKeyword(t.keyword());
        posAtt.setPositionIncrement(t.positionIncrement());
        return true;
    }

    @Override
    public void end() throws IOException {
        super.end();
        offsetAtt.setOffset(finalOffset, finalOffset);
    }

    @Override
    public void close() throws IOException {
        super.close();
        pending.clear();
    }
}
