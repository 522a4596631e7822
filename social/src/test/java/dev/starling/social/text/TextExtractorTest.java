package dev.starling.social.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.twitter.twittertext.Extractor;
import com.twitter.twittertext.TldLists;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link TextExtractor} gives exactly what twitter-text's own {@link Extractor} gives, for every
 * extraction the project uses, while skipping the URL pattern when no URL is possible: on the
 * official conformance texts (extract.yml, tlds.yml: a URL with every TLD) and on seeded random
 * texts built to sit near the pre-check's edge (dots before TLD starts in both cases, non-ASCII
 * TLD starts, decomposed Hangul, punycode, ports, paths, hashtags and mentions inside URLs).
 *
 * <p>Prints its seed; replay with {@code -Dtests.seed=<seed>}.
 */
class TextExtractorTest {

    private static Path conformance(String file) {
        return Path.of(System.getProperty("starling.shared.dir", "../shared"), "data", "twitter-text-conformance", file);
    }

    /** Every extraction, by the library and by ours; fails naming the text and the method. */
    private static void assertSame(String text, String where) {
        Extractor lib = new Extractor();
        TextExtractor ours = new TextExtractor();
        assertEquals(lib.extractURLsWithIndices(text), ours.extractURLsWithIndices(text), where + ": urls");
        assertEquals(lib.extractURLs(text), ours.extractURLs(text), where + ": url strings");
        assertEquals(lib.extractHashtagsWithIndices(text), ours.extractHashtagsWithIndices(text), where + ": hashtags");
        assertEquals(lib.extractHashtags(text), ours.extractHashtags(text), where + ": hashtag strings");
        assertEquals(lib.extractMentionedScreennamesWithIndices(text), ours.extractMentionedScreennamesWithIndices(text), where + ": mentions");
        assertEquals(lib.extractCashtags(text), ours.extractCashtags(text), where + ": cashtags");
        assertEquals(lib.extractEntitiesWithIndices(text), ours.extractEntitiesWithIndices(text), where + ": entities");
        // the same instance again: the remembered URL pass must give the same answer
        assertEquals(lib.extractEntitiesWithIndices(text), ours.extractEntitiesWithIndices(text), where + ": entities, second call");
        if (!TextExtractor.mayContainUrl(text)) {
            assertTrue(lib.extractURLsWithIndices(text).isEmpty(), where + ": pre-check said no URL but twitter-text found one");
        }
    }

    @Test
    void agreesWithTwitterTextOnTheConformanceSuite() throws Exception {
        Path extract = conformance("extract.yml");
        Path tlds = conformance("tlds.yml");
        Assumptions.assumeTrue(Files.isRegularFile(extract) && Files.isRegularFile(tlds),
                "twitter-text conformance data absent at " + extract.getParent() + ": skipped");
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        int checked = 0;
        int withUrls = 0;
        int skipped = 0;
        for (Path file : List.of(extract, tlds)) {
            JsonNode tests = yaml.readTree(file.toFile()).path("tests");
            for (var group : (Iterable<java.util.Map.Entry<String, JsonNode>>) tests::fields) {
                for (JsonNode t : group.getValue()) {
                    String text = t.path("text").asText();
                    String where = file.getFileName() + "/" + group.getKey() + " '" + t.path("description").asText() + "'";
                    assertSame(text, where);
                    checked++;
                    if (!new Extractor().extractURLsWithIndices(text).isEmpty()) {
                        withUrls++;
                    }
                    if (!TextExtractor.mayContainUrl(text)) {
                        skipped++;
                    }
                }
            }
        }
        System.out.println("TextExtractor: " + checked + " conformance texts agree (" + withUrls + " with URLs; the URL pattern skipped for "
                + skipped + ")");
        assertTrue(withUrls > 500, "expected the TLD conformance texts to hold URLs, found " + withUrls);
        assertTrue(skipped > 50, "the pre-check skipped only " + skipped + " texts: is it still doing anything?");
    }

    @Test
    void skipsTheUrlPatternForOrdinarySentences() {
        assertFalse(TextExtractor.mayContainUrl("Walked by the river today. Lovely light! #sunset"));
        assertFalse(TextExtractor.mayContainUrl("Ends with a dot."));
        assertFalse(TextExtractor.mayContainUrl("version 3.5 ... and .5"));
        assertTrue(TextExtractor.mayContainUrl("see example.com"));
        assertTrue(TextExtractor.mayContainUrl("SEE EXAMPLE.COM"));
        assertTrue(TextExtractor.mayContainUrl("punycode at foo.xn--p1ai"));
        assertTrue(TextExtractor.mayContainUrl("e.g. this")); // '.g' may begin a TLD: the pattern decides
    }

    private static final String[] WORDS = {
        "hello", "Walked", "the", "river", "a", "x", "1.5", "3", "e.g", "i.e.", "...", ".", ". ", "!", "?", ",", ":", "/", "//", "\n",
        "@alice", "@bob_2", "#tag", "#Tag2", "＃全角", "$CASH", "$usd.ab", "user@example.org", "#", "@", "://", "https://", "http://",
        "www.", "t.co/abc", "t.co", "a.co", "foo.bar", "example.com", "EXAMPLE.COM", "Example.Com/Path_(x)", "x.org/p?q=1&r=#f",
        "sub.domain.co.uk", "foo.xn--p1ai", "foo.XN--P1AI", "localhost:8080", "example.com:8080/a", "http://例え.テスト",
        "http://xn--fsq.com", "日本", "café", "ü", "\u0301", ".\u1100\u1161", ".\uAC00", ".рф", "президент.рф", "http://スタバ.com",
        "\uD83D\uDE00", "©", "\u200F", "\u202A", "-", "_", "a-b.c_d", "#hash.tag", "@mention.com", "$A.B"
    };

    @Test
    void agreesWithTwitterTextOnSeededRandomTexts() {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        System.out.println("TextExtractorTest seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random r = new Random(seed);
        List<String> tlds = new ArrayList<>(TldLists.GTLDS);
        tlds.addAll(TldLists.CTLDS);
        for (int i = 0; i < 1500; i++) {
            StringBuilder sb = new StringBuilder();
            int pieces = 1 + r.nextInt(14);
            for (int p = 0; p < pieces; p++) {
                switch (r.nextInt(6)) {
                    case 0 -> { // a dot followed by (a variant of) a real TLD, or by a TLD cut short
                        String tld = tlds.get(r.nextInt(tlds.size()));
                        tld = r.nextBoolean() ? tld : tld.substring(0, 1 + r.nextInt(tld.length()));
                        sb.append(r.nextBoolean() ? "word" : "").append('.').append(r.nextInt(4) == 0 ? tld.toUpperCase(Locale.ROOT) : tld);
                    }
                    case 1 -> sb.append('.').append((char) (r.nextBoolean() ? 0x20 + r.nextInt(0x60) : 0xA0 + r.nextInt(0x3000)));
                    default -> sb.append(WORDS[r.nextInt(WORDS.length)]);
                }
                if (r.nextInt(3) > 0) {
                    sb.append(r.nextInt(8) == 0 ? "\u3000" : " ");
                }
            }
            String text = sb.toString();
            assertSame(text, "seed " + seed + ", text #" + i + " '" + text.replace("\n", "\\n") + "'");
        }
    }
}
