package dev.starling.ai.trends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrendTermsTest {

    @Test
    void phrasesAreRunsOfContentWords() {
        assertEquals(List.of("total solar", "solar eclipse", "total solar eclipse"), Phrases.of("The total solar eclipse is tonight!"));
        // punctuation breaks a run; stopwords break a run
        assertEquals(List.of("heavy rain", "city council"), Phrases.of("Heavy rain. City council of the town"));
    }

    @Test
    void phrasesIgnoreUrlsMentionsHashtagsAndNumbers() {
        assertEquals(List.of("totally wild"), Phrases.of("@bob check https://x.example/a #Eclipse totally wild"));
        assertEquals(List.of("eclipse photos"), Phrases.of("2024 eclipse photos"));
        assertEquals(List.of(), Phrases.of("a b c d e"), "one-letter words are no words");
        assertEquals(List.of(), Phrases.of(""));
        assertEquals(List.of("dragon's eggs"), Phrases.of("Dragon’s eggs")); // typographic apostrophe read as '
    }

    @Test
    void phrasesPerPostAreBounded() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            sb.append("word").append((char) ('a' + i % 26)).append((char) ('a' + i / 26 % 26)).append(' ');
        }
        List<String> p = Phrases.of(sb.toString());
        assertEquals(Phrases.MAX_PER_POST, p.size());
    }

    @Test
    void linksAreNormalized() {
        assertEquals(Optional.of("https://example.com/news/story"), Links.normalize("http://WWW.Example.com:80/news/story/"));
        assertEquals(Optional.of("https://example.com/a?id=3"), Links.normalize("https://example.com/a?utm_source=x&id=3&fbclid=abc#frag"));
        assertEquals(Optional.of("https://example.com"), Links.normalize("example.com/"));
        assertEquals(Optional.of("https://example.com:8443/x"), Links.normalize("https://example.com:8443/x"));
        assertEquals(Optional.empty(), Links.normalize("ftp://example.com/x"));
        assertEquals(Optional.empty(), Links.normalize("https:///nohost"));
        assertEquals(Optional.empty(), Links.normalize("https://example.com/" + "a".repeat(Links.MAX_URL_CHARS)));
    }

    @Test
    void termsOfAPostAreItsTagsLinksAndPhrasesOnce() {
        List<TrendTerms.Term> t = TrendTerms.of("Solar eclipse tonight #Eclipse https://example.com/e",
                List.of("Eclipse", "eclipse"), List.of("https://example.com/e", "http://www.example.com/e/"));
        assertEquals(List.of(new TrendTerms.Term(TrendKind.TAG, "eclipse"), new TrendTerms.Term(TrendKind.LINK, "https://example.com/e"),
                new TrendTerms.Term(TrendKind.PHRASE, "solar eclipse"), new TrendTerms.Term(TrendKind.PHRASE, "eclipse tonight"),
                new TrendTerms.Term(TrendKind.PHRASE, "solar eclipse tonight")), t);
    }

    @Test
    void shorterPhrasesCarriedByALongerOneAreDropped() {
        var m = new java.util.HashMap<String, Integer>();
        m.put("total solar eclipse", 9);
        m.put("solar eclipse", 10); // 9 >= 0.8 * 10: carried by the longer phrase
        m.put("total solar", 9);
        m.put("eclipse glasses", 30);
        m.put("eclipse glasses sold", 5); // 5 < 0.8 * 30: "eclipse glasses" stays
        List<String> dropped = PhraseDedup.subsumed(m);
        assertTrue(dropped.contains("solar eclipse") && dropped.contains("total solar"), dropped.toString());
        assertEquals(2, dropped.size(), dropped.toString());
    }

    @Test
    void aLongerPhraseSeenThroughAWindowKeepsOnlyItsStart() {
        var m = new java.util.HashMap<String, Integer>();
        m.put("power cut mid", 60);
        m.put("cut mid game", 60);
        m.put("mid game lights", 55); // continues "cut mid game" (itself a continuation): the chain keeps only its start
        m.put("game lights out", 10); // a different audience: stays
        m.put("red blue", 9);
        m.put("blue red", 9); // two phrases continuing each other: the alphabetically first stays
        List<String> dropped = new java.util.ArrayList<>(PhraseDedup.subsumed(m));
        java.util.Collections.sort(dropped);
        assertEquals(List.of("cut mid game", "mid game lights", "red blue"), dropped);
    }

    @Test
    void moderationNormalizesLikeTheCounters() {
        assertEquals("eclipse", TrendModeration.normalize(TrendKind.TAG, "#Eclipse"));
        assertEquals("https://example.com/e", TrendModeration.normalize(TrendKind.LINK, "http://www.example.com/e/"));
        assertEquals("solar eclipse", TrendModeration.normalize(TrendKind.PHRASE, "  Solar   Eclipse "));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> TrendModeration.normalize(TrendKind.TAG, " "));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> TrendModeration.normalize(TrendKind.LINK, "nope://x"));
    }
}
