package dev.starling.server.entities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The cached renderer returns exactly what {@link ContentHtml} returns, for seeded random texts
 * (hashtags, mentions known and unknown, URLs, markup characters, line breaks), first and second
 * time, and never confuses two inputs that differ only in base URL or mention map.
 * Prints its seed; replay with {@code -Dtests.seed=<seed>}.
 */
class RenderedHtmlCacheTest {

    private static final List<String> PIECES = List.of("hello", "#Starling", "#tag_2", "@alice", "@bob", "@nobody",
            "https://example.org/a/very/long/path/that/gets/an/ellipsis?q=1&r=<2>", "www.example.com", "example.org/x",
            "<b>bold</b>", "\"quoted\" & 'single'", "\n", "\n\n", "\r\n", "$CASH", "émoji 🐦", "x.com", "@alice@remote.example");

    @Test
    void cachedOutputIsByteIdenticalToContentHtml() {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        System.out.println("RenderedHtmlCacheTest seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random r = new Random(seed);
        for (int i = 0; i < 400; i++) {
            StringBuilder text = new StringBuilder();
            int n = 1 + r.nextInt(12);
            for (int k = 0; k < n; k++) {
                text.append(PIECES.get(r.nextInt(PIECES.size()))).append(r.nextInt(4) == 0 ? "" : " ");
            }
            String base = r.nextBoolean() ? "https://a.example" : "http://localhost:8080";
            Map<String, String> mentioned = new HashMap<>();
            if (r.nextBoolean()) {
                mentioned.put("alice", base + "/@alice");
            }
            if (r.nextBoolean()) {
                mentioned.put("bob", base + "/@Bob");
            }
            String t = text.toString();
            String expected = ContentHtml.render(t, base, mentioned);
            assertEquals(expected, RenderedHtmlCache.render(t, base, mentioned), "first render of " + t + " (seed " + seed + ")");
            assertEquals(expected, RenderedHtmlCache.render(new String(t), base, new HashMap<>(mentioned)),
                    "cached render of " + t + " (seed " + seed + ")");
            assertEquals(ContentHtml.note(t, base), RenderedHtmlCache.note(t, base), "note " + t + " (seed " + seed + ")");
        }
    }

    @Test
    void keyIncludesBaseUrlAndMentions() {
        String text = "hi @alice #tag " + System.nanoTime();
        String plain = RenderedHtmlCache.render(text, "https://a.example", Map.of());
        String linked = RenderedHtmlCache.render(text, "https://a.example", Map.of("alice", "https://a.example/@alice"));
        String otherBase = RenderedHtmlCache.render(text, "https://b.example", Map.of());
        assertNotEquals(plain, linked);
        assertTrue(linked.contains("https://a.example/@alice"), linked);
        assertNotEquals(plain, otherBase);
        assertTrue(otherBase.contains("https://b.example/tags/tag"), otherBase);
        assertEquals(ContentHtml.render(text, "https://b.example", Map.of()), otherBase);
    }

    @Test
    void repeatedReadsReuseTheRenderedString() {
        String text = "cache me #once " + System.nanoTime();
        String first = RenderedHtmlCache.render(text, "https://a.example", Map.of());
        assertSame(first, RenderedHtmlCache.render(new String(text), "https://a.example", Map.of()));
        assertTrue(RenderedHtmlCache.size() >= 1);
    }

    @Test
    void emptyAndOverlongTextsAreRenderedUncached() {
        assertEquals("", RenderedHtmlCache.render("", "https://a.example", Map.of()));
        assertEquals("", RenderedHtmlCache.note(null, "https://a.example"));
        String big = "#big ".repeat(RenderedHtmlCache.MAX_CACHED_TEXT_CHARS / 5 + 1);
        String html = RenderedHtmlCache.render(big, "https://a.example", Map.of());
        assertEquals(ContentHtml.render(big, "https://a.example", Map.of()), html);
        assertNotSameInstance(html, RenderedHtmlCache.render(big, "https://a.example", Map.of()));
    }

    private static void assertNotSameInstance(String a, String b) {
        assertTrue(a != b, "an overlong text must not be cached");
    }
}
