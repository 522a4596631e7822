package dev.starling.server.entities;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.starling.social.posts.PostView;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A bounded cache of serialized Mastodon Status entities ({@link MastodonJson#status} written as
 * JSON), so that a post that appears in many home timelines is built and serialized once, not
 * once per request (JSON building and writing were the largest part of a home request's server
 * CPU in a JFR profile).
 *
 * <p>Keyed by content, like {@link RenderedHtmlCache}: the key is the whole hydrated
 * {@link PostView} (a record of records: the post row, its author's row with counters, the
 * reposted and quoted views, the counts and the viewer's own flags) and the base URL, which is
 * everything {@link MastodonJson#status} reads. A like, an edit, a visibility change or an author's
 * new profile makes a different key, so no entry can be stale and nothing needs invalidating; the
 * visibility rule has been applied before a view exists. Entries of changed posts simply age out.
 *
 * <p>Bounded by weight, about {@link #MAX_WEIGHT_CHARS} characters of JSON and key text in all
 * (W-TinyLFU eviction); statuses whose JSON is longer than {@link #MAX_CACHED_JSON_CHARS} are
 * written but not kept. The JSON writer is the caller's (the server's own Jackson mapper), so the
 * output is byte-identical to serializing {@link MastodonJson#status} directly.
 *
 * <p>Entries are kept as UTF-8 bytes, and a page is assembled into one array of its exact length
 * ({@link #statusesUtf8}) that the route hands to the HTTP layer as it is: a home page (about 32 KB of
 * JSON) was built in a growing StringBuilder, copied into a String and encoded to bytes again,
 * about 100 KB of garbage per request (JFR allocation profile), which showed as young GC pauses in
 * the latency tail.
 */
public final class StatusJsonCache {

    /** Total weight kept: key text in characters plus JSON in UTF-8 bytes; about 32 to 64 MiB at most. */
    public static final long MAX_WEIGHT_CHARS = 32L * 1024 * 1024;
    /** Statuses with longer JSON (in UTF-8 bytes) bypass the cache. */
    public static final int MAX_CACHED_JSON_CHARS = 64 * 1024;

    /**
     * The view and base URL, compared in full ({@link PostView#equals}); the hash is taken once from a
     * few components that the full comparison also compares (ids, counts, flags), so that equal keys
     * hash alike without hashing every text of the view on each look-up.
     */
    private static final class Key {
        private final PostView view;
        private final String baseUrl;
        private final int hash;

        Key(PostView view, String baseUrl) {
            this.view = view;
            this.baseUrl = baseUrl;
            this.hash = 31 * quickHash(view) + baseUrl.hashCode();
        }

        private static int quickHash(PostView v) {
            if (v == null) {
                return 0;
            }
            int h = Long.hashCode(v.post().id());
            h = 31 * h + Long.hashCode(v.author().id());
            h = 31 * h + Long.hashCode(v.author().statusesCount());
            h = 31 * h + Long.hashCode(v.repliesCount() + 7 * v.reblogsCount() + 31 * v.favouritesCount());
            h = 31 * h + (v.favourited() ? 1 : 0) + (v.reblogged() ? 2 : 0) + (v.bookmarked() ? 4 : 0);
            return 31 * (31 * h + quickHash(v.reblog())) + quickHash(v.quote());
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return this == o || o instanceof Key k && hash == k.hash && baseUrl.equals(k.baseUrl) && view.equals(k.view);
        }

        int weightChars() {
            return 512 + text(view) + (view.reblog() == null ? 0 : text(view.reblog())) + (view.quote() == null ? 0 : text(view.quote()));
        }

        private static int text(PostView v) {
            int note = v.author().note() == null ? 0 : v.author().note().length();
            return v.post().text().length() + note;
        }
    }

    private static final Cache<Key, byte[]> CACHE = Caffeine.newBuilder()
            .maximumWeight(MAX_WEIGHT_CHARS)
            .weigher((Key k, byte[] json) -> k.weightChars() + json.length)
            .build();

    private StatusJsonCache() {
    }

    /** The Status JSON of {@code view}; {@code writer} serializes a {@link MastodonJson#status} map. */
    public static String status(PostView view, String baseUrl, Function<Map<String, Object>, String> writer) {
        return new String(statusUtf8(view, baseUrl, writer), StandardCharsets.UTF_8);
    }

    /** The Status JSON of {@code view} in UTF-8 (the cached array itself: do not modify it). */
    static byte[] statusUtf8(PostView view, String baseUrl, Function<Map<String, Object>, String> writer) {
        Key key = new Key(view, baseUrl);
        byte[] json = CACHE.getIfPresent(key);
        if (json == null) {
            json = writer.apply(MastodonJson.status(view, baseUrl)).getBytes(StandardCharsets.UTF_8);
            if (json.length <= MAX_CACHED_JSON_CHARS) {
                CACHE.put(key, json);
            }
        }
        return json;
    }

    /** A JSON array of the views' Status entities, in order. */
    public static String statuses(List<PostView> views, String baseUrl, Function<Map<String, Object>, String> writer) {
        return new String(statusesUtf8(views, baseUrl, writer), StandardCharsets.UTF_8);
    }

    /** {@link #statuses} in UTF-8, as one new array of exactly its length. */
    public static byte[] statusesUtf8(List<PostView> views, String baseUrl, Function<Map<String, Object>, String> writer) {
        byte[][] parts = new byte[views.size()][];
        int length = 2 + Math.max(0, views.size() - 1);
        for (int i = 0; i < parts.length; i++) {
            parts[i] = statusUtf8(views.get(i), baseUrl, writer);
            length = Math.addExact(length, parts[i].length);
        }
        byte[] out = new byte[length];
        int at = 0;
        out[at++] = '[';
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out[at++] = ',';
            }
            System.arraycopy(parts[i], 0, out, at, parts[i].length);
            at += parts[i].length;
        }
        out[at++] = ']';
        if (at != length) {
            throw new IllegalStateException("status array length " + at + " != " + length);
        }
        return out;
    }

    /** Entries currently held (approximate; for tests and metrics). */
    static long size() {
        CACHE.cleanUp();
        return CACHE.estimatedSize();
    }
}
