package dev.starling.server.web.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link PostHtml} links what the twitter-text autolink conformance suite (autolink.yml) links:
 * for every case, the text read back from our HTML equals the case's text, and the linked runs
 * (kind, text, and for URLs the href) equal the suite's, per section for the kinds that section's
 * runner links. Starling's links point at its own pages and
 * include the {@code @} of a mention, so the comparison is of what is linked, not of the markup.
 * The suite's "json" section renders from entities given as Twitter API JSON (t.co display URLs),
 * which Starling does not receive; it is reported as skipped.
 */
class PostHtmlConformanceTest {
    private static final List<String> SECTIONS = List.of("usernames", "lists", "hashtags", "urls", "cashtags", "all");
    private static final Pattern TAG = Pattern.compile("<(/?)([a-zA-Z]+)([^>]*)>");
    private static final Pattern ATTR = Pattern.compile("([a-zA-Z-]+)=(\"([^\"]*)\"|'([^']*)')");

    /** One run of the rendered text: plain text (kind null) or a link of a kind. */
    record Run(String kind, String text, String href) {}

    @Test
    void linksExactlyWhatTheSuiteLinks() throws Exception {
        JsonNode tests = Conformance.load("autolink.yml");
        int checked = 0;
        for (String section : SECTIONS) {
            for (JsonNode t : tests.path(section)) {
                String text = t.path("text").asText();
                String what = section + ": " + t.path("description").asText() + " [" + text + "]";
                List<Run> expected = normalise(parse(t.path("expected").asText(), true));
                String ours = PostHtml.render(text, Set.of());
                assertTrue(ours.startsWith("<p>") && ours.endsWith("</p>"), what);
                List<Run> actual = normalise(parse(ours.substring(3, ours.length() - 4), false));
                assertEquals(text, plain(actual), what + ": text read back from " + ours);
                assertEquals(links(expected, section), links(actual, section), what + "\n ours: " + ours + "\n suite: " + t.path("expected").asText());
                checked++;
            }
        }
        int skipped = tests.path("json").size();
        System.out.println("autolink conformance: " + checked + " cases agree; " + skipped + " json-entity cases skipped (Twitter API input)");
        assertTrue(checked > 150, "expected the suite's cases, checked " + checked);
    }

    @Test
    void escapesEverythingAndKeepsLineBreaks() {
        String html = PostHtml.render("<script>alert('x')</script> & \"q\"\nline two\n\npara #tag", Set.of());
        assertEquals("<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;<br>line two</p><p>para "
                + "<a href=\"/tags/tag\" class=\"hashtag\" rel=\"tag\">#tag</a></p>", html);
        String xss = PostHtml.render("See: http://x.xx.com/@\"style=\"color:pink\"onmouseover=alert(1)//", Set.of());
        assertFalse(xss.contains("\"style"), xss);
        assertFalse(xss.contains("<a href=\"javascript"), xss);
    }

    @Test
    void mentionsOfLongLocalUsernamesAreExtendedPastTwentyCharacters() {
        String name = "a_twenty_five_chars_name1";
        assertEquals(25, name.length());
        String withLocal = PostHtml.render("hi @" + name + "!", Set.of(name.toLowerCase()));
        assertTrue(withLocal.contains("<a href=\"/@" + name + "\" class=\"mention\">@" + name + "</a>!"), withLocal);
        String unknown = PostHtml.render("hi @" + name + "!", Set.of());
        assertTrue(unknown.contains(">@" + name.substring(0, 20) + "</a>" + name.substring(20)), unknown);
    }

    /** Runs of an HTML fragment; {@code suite} true reads the suite's classes, false ours. */
    static List<Run> parse(String html, boolean suite) {
        List<Run> runs = new ArrayList<>();
        Matcher m = TAG.matcher(html);
        int pos = 0;
        String linkKind = null;
        String linkHref = null;
        StringBuilder linkText = null;
        while (m.find()) {
            String between = unescape(html.substring(pos, m.start()));
            if (linkText != null) linkText.append(between);
            else if (!between.isEmpty()) runs.add(new Run(null, between, null));
            pos = m.end();
            String name = m.group(2).toLowerCase();
            if (!name.equals("a")) continue; // spans inside links carry text only
            if (m.group(1).isEmpty()) {
                Map<String, String> attrs = attributes(m.group(3));
                linkKind = kind(attrs.getOrDefault("class", ""), suite);
                linkHref = unescape(attrs.getOrDefault("href", ""));
                linkText = new StringBuilder();
            } else {
                runs.add(new Run(linkKind, linkText.toString(), linkHref));
                linkText = null;
            }
        }
        String rest = unescape(html.substring(pos));
        if (!rest.isEmpty()) runs.add(new Run(null, rest, null));
        return runs;
    }

    /** Moves a mention's sigil into the link (the suite leaves it outside) and merges adjacent text. */
    static List<Run> normalise(List<Run> runs) {
        List<Run> out = new ArrayList<>();
        for (Run r : runs) {
            if ("mention".equals(r.kind()) && !r.text().startsWith("@") && !r.text().startsWith("＠") && !out.isEmpty() && out.getLast().kind() == null) {
                Run prev = out.removeLast();
                String sigil = prev.text().substring(prev.text().length() - 1);
                if (!prev.text().isEmpty() && prev.text().length() > 1) out.add(new Run(null, prev.text().substring(0, prev.text().length() - 1), null));
                r = new Run(r.kind(), sigil + r.text(), r.href());
            }
            if (r.kind() == null && !out.isEmpty() && out.getLast().kind() == null) {
                r = new Run(null, out.removeLast().text() + r.text(), null);
            }
            out.add(r);
        }
        return out;
    }

    private static String plain(List<Run> runs) {
        StringBuilder sb = new StringBuilder();
        for (Run r : runs) sb.append(r.text());
        return sb.toString();
    }

    /**
     * The linked runs as "kind:text" (URLs also with their href), of the kinds the section's runner
     * links: the suite runs autoLinkUsernamesAndLists for usernames and lists, autoLinkHashtags,
     * autoLinkURLs and autoLinkCashtags for theirs, and autoLink (everything) for "all".
     */
    private static List<String> links(List<Run> runs, String section) {
        String only = switch (section) {
            case "usernames", "lists" -> "mention";
            case "hashtags" -> "hashtag";
            case "urls" -> "url";
            case "cashtags" -> "cashtag";
            default -> null;
        };
        List<String> out = new ArrayList<>();
        for (Run r : runs) {
            if (r.kind() == null || (only != null && !only.equals(r.kind()))) continue;
            out.add(r.kind() + ":" + r.text() + ("url".equals(r.kind()) ? " -> " + r.href() : ""));
        }
        return out;
    }

    private static String kind(String cls, boolean suite) {
        if (suite) {
            if (cls.contains("username") || cls.contains("list-slug")) return "mention";
            if (cls.contains("hashtag")) return "hashtag";
            if (cls.contains("cashtag")) return "cashtag";
            return "url";
        }
        return cls;
    }

    private static Map<String, String> attributes(String s) {
        Map<String, String> out = new java.util.HashMap<>();
        Matcher m = ATTR.matcher(s);
        while (m.find()) out.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(4));
        return out;
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&nbsp;", "\u00a0").replace("&amp;", "&");
    }
}
