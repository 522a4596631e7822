package dev.starling.search.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.junit.jupiter.api.Test;

class PostAnalyzerTest {

    private final PostAnalyzer analyzer = new PostAnalyzer();

    private List<String> tokens(String text) throws IOException {
        List<String> out = new ArrayList<>();
        try (TokenStream ts = analyzer.tokenStream("text", text)) {
            CharTermAttribute t = ts.addAttribute(CharTermAttribute.class);
            OffsetAttribute o = ts.addAttribute(OffsetAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.add(t.toString());
                assertTrue(o.startOffset() >= 0 && o.endOffset() <= text.length() && o.startOffset() <= o.endOffset(), "offsets in range");
            }
            ts.end();
        }
        return out;
    }

    @Test
    void entitiesStayWholeAndAreNotStemmed() throws IOException {
        List<String> t = tokens("Running with @Alice_B to #JavaOne, buying $AAPL: see https://example.org/a?b=c");
        assertTrue(t.contains("@alice_b"), t.toString());
        assertTrue(t.contains("#javaone"), t.toString());
        assertTrue(t.contains("$aapl"), t.toString());
        assertTrue(t.contains("https://example.org/a?b=c"), t.toString());
        assertTrue(t.contains("run"), "words are stemmed: " + t);
        assertTrue(t.contains("bui"), "porter stems buying: " + t);
        assertFalse(t.contains("alice_b"), "the mention is not split: " + t);
        assertFalse(t.contains("with"), "stop words removed: " + t);
    }

    @Test
    void hashtagsKeepTheirEndingSoRunningTagIsNotStemmed() throws IOException {
        assertEquals(List.of("#running", "run"), tokens("#Running running"));
    }

    @Test
    void caseAndAccentsFold() throws IOException {
        assertEquals(tokens("cafe creme naive"), tokens("Café CRÈME naïve"));
        assertEquals(List.of("#creme"), tokens("#Crème"));
    }

    @Test
    void emojiAreTokens() throws IOException {
        List<String> t = tokens("good morning ☕ 🎉🎉");
        assertTrue(t.contains("☕"), t.toString());
        assertTrue(t.contains("🎉"), t.toString());
    }

    @Test
    void cjkTextBecomesBigrams() throws IOException {
        assertEquals(List.of("東京", "京都", "都大"), tokens("東京都大"));
        assertEquals(List.of("서울", "울시"), tokens("서울시"));
        // full-width latin folds to ascii
        assertEquals(List.of("java"), tokens("ＪＡＶＡ"));
    }

    @Test
    void englishPossessiveAndPluralStem() throws IOException {
        assertEquals(tokens("the engineer"), tokens("the engineer's"));
        assertEquals(tokens("engineer"), tokens("engineers"));
    }

    @Test
    void veryLongInputIsCutNotFailed() throws IOException {
        String s = "word ".repeat(PostTokenizer.MAX_CHARS);
        assertTrue(tokens(s).size() <= PostTokenizer.MAX_CHARS / 5 + 1);
    }
}
