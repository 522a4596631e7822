package dev.starling.ai.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OutputFilterTest {

    static String whole(String text, int n, Set<String> hosts) {
        OutputFilter f = new OutputFilter(n, hosts);
        return f.push(text) + f.finish();
    }

    @Test
    void keepsValidCitationsAndRemovesInvalidOnes() {
        OutputFilter f = new OutputFilter(3, Set.of());
        String out = f.push("Coffee is popular [1] and tea [4]; both [2, 7] and [0] or [3;1]. ") + f.finish();
        assertEquals("Coffee is popular [1] and tea ; both [2] and  or [3][1].", out.strip());
        assertEquals("(3) and (x) <b>", whole("[[12]3] and [x] <<b>b>", 2, Set.of()).replace("\u2039", "<"),
                "brackets left by a removal are not citations; a tag put together by a removal is not a tag");
        assertFalse(whole("[[12]3] and <<b>b>", 2, Set.of()).contains("<b>"));
        assertEquals(List.of(1, 2, 3), f.cited());
        assertEquals("No refs here.", whole("No refs [1] here.", 0, Set.of()).replace("  ", " "));
    }

    @Test
    void removesForeignLinksAndKeepsThisInstance() {
        String out = whole("See https://evil.example.com/x?y=1 and www.phish.net or bit.ly/abc but https://starling.test/@a/12 ok",
                2, Set.of("starling.test"));
        assertFalse(out.contains("evil") || out.contains("phish") || out.contains("bit.ly"), out);
        assertTrue(out.contains("https://starling.test/@a/12"), out);
        assertEquals(3, out.split(OutputFilter.LINK_REMOVED.replace("(", "\\(").replace(")", "\\)"), -1).length - 1, out);
        assertTrue(whole("visit javascript://alert and ftp://x.org", 0, Set.of()).indexOf("://") < 0);
        assertEquals("evil.com", OutputFilter.host("https://user@Evil.com:8080/p"));
    }

    @Test
    void removesHtmlAndControlCharactersAndLeadingSpace() {
        assertEquals("bold and click", whole("  \n<b>bold</b> and <a href=\"https://x.com\">click</a>", 0, Set.of()));
        assertEquals("ab", whole("a\u0000\u202Eb", 0, Set.of()));
        assertEquals("a < b and c > d", whole("a < b and c > d", 0, Set.of()), "comparisons are not tags");
    }

    @Test
    void streamingInAnyPiecesEqualsFilteringAtOnce() {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        System.out.println("OutputFilterTest seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random r = new Random(seed);
        String[] parts = {"word", " ", "\n", "[1]", "[2, 9]", "[12]", "[", "]", "3", ",", "https://evil.com/a", "www.x.org",
                "starling.test/@a/1", "<b>", "</b>", "<", ">", "<a href='y'>", " [ 1 ]", "é", "🙂", "\u0007"};
        for (int i = 0; i < 3000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = r.nextInt(30); k > 0; k--) {
                sb.append(parts[r.nextInt(parts.length)]);
            }
            String text = sb.toString();
            int n = r.nextInt(4);
            String expected = whole(text, n, Set.of("starling.test"));
            OutputFilter f = new OutputFilter(n, Set.of("starling.test"));
            StringBuilder streamed = new StringBuilder();
            int at = 0;
            while (at < text.length()) {
                int len = 1 + r.nextInt(6);
                int end = Math.min(text.length(), at + len);
                if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                    end++;
                }
                streamed.append(f.push(text.substring(at, end)));
                at = end;
            }
            streamed.append(f.finish());
            assertEquals(expected, streamed.toString(), "seed " + seed + " text " + text);
            java.util.regex.Matcher cite = java.util.regex.Pattern.compile("\\[([^\\]]*)]").matcher(expected);
            while (cite.find()) {
                assertTrue(cite.group(1).matches("\\d") && Integer.parseInt(cite.group(1)) >= 1 && Integer.parseInt(cite.group(1)) <= n,
                        "seed " + seed + ": only valid citations have square brackets: " + expected);
            }
            assertFalse(expected.matches("(?s).*</?[A-Za-z!?][^<>]*>.*"), "seed " + seed + ": a tag survived: " + expected);
            assertFalse(expected.contains("evil.com") || expected.contains("<b>") || expected.contains("\u0007"), "seed " + seed + ": " + expected);
        }
    }
}
