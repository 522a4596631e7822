package dev.starling.server.entities;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Map;

/**
 * A bounded cache of the HTML that {@link ContentHtml} renders, so that reads do not run
 * twitter-text's entity extraction again for every post and every account bio they return
 * (profiling the home timeline put ~74% of its handler CPU there).
 *
 * <p>The key is everything the HTML is a function of: the text itself, the base URL and the
 * mention URL map (for a note, the empty map). Keying by content, not by post or account id,
 * makes a stale entry impossible: an edited bio or a post whose mentions resolve differently is
 * simply a different key. Output is byte-identical to calling {@link ContentHtml} directly.
 *
 * <p>Bounded by weight: about {@link #MAX_WEIGHT_CHARS} characters of key text plus HTML in all,
 * with Caffeine's size-based eviction (W-TinyLFU). Texts longer than {@link #MAX_CACHED_TEXT_CHARS}
 * are rendered but not cached.
 */
public final class RenderedHtmlCache {

    /** Total characters (key text + HTML) kept; at 2 bytes a char about 64 MiB at most. */
    public static final long MAX_WEIGHT_CHARS = 32L * 1024 * 1024;
    /** Longer texts bypass the cache. */
    public static final int MAX_CACHED_TEXT_CHARS = 16 * 1024;

    private static final Cache<Key, String> CACHE = Caffeine.newBuilder()
            .maximumWeight(MAX_WEIGHT_CHARS)
            .weigher((Key k, String html) -> k.weightChars() + html.length())
            .build();

    private record Key(String text, String baseUrl, Map<String, String> mentioned) {
        int weightChars() {
            int w = text.length() + 64;
            for (Map.Entry<String, String> e : mentioned.entrySet()) {
                w += e.getKey().length() + e.getValue().length() + 32;
            }
            return w;
        }
    }

    private RenderedHtmlCache() {
    }

    /** {@link ContentHtml#render}, cached. {@code mentioned} is copied into the key. */
    public static String render(String text, String baseUrl, Map<String, String> mentioned) {
        if (text == null || text.isEmpty() || text.length() > MAX_CACHED_TEXT_CHARS) {
            return ContentHtml.render(text, baseUrl, mentioned);
        }
        Key key = new Key(text, baseUrl, Map.copyOf(mentioned));
        return CACHE.get(key, k -> ContentHtml.render(k.text(), k.baseUrl(), k.mentioned()));
    }

    /** {@link ContentHtml#note}, cached. */
    public static String note(String note, String baseUrl) {
        return note == null || note.isEmpty() ? "" : render(note, baseUrl, Map.of());
    }

    /** Entries currently held (approximate; for tests and metrics). */
    static long size() {
        CACHE.cleanUp();
        return CACHE.estimatedSize();
    }
}
