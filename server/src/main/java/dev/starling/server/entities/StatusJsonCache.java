package dev.starling.server.entities;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.starling.social.posts.PostView;
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
 */
public final class StatusJsonCache {

    /** Total characters (JSON + key text) kept; at 2 bytes a char about 64 MiB at most. */
    public static final long MAX_WEIGHT_CHARS = 32L * 1024 * 1024;
    /** Longer statuses bypass the cache. */
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

    private static final Cache<Key, String> CACHE = Caffeine.newBuilder()
            .maximumWeight(MAX_WEIGHT_CHARS)
            .weigher((Key k, String json) -> k.weightChars() + json.length())
            .build();

    private StatusJsonCache() {
    }

    /** The Status JSON of {@code view}; {@code writer} serializes a {@link MastodonJson#status} map. */
    public static String status(PostView view, String baseUrl, Function<Map<String, Object>, String> writer) {
        Key key = new Key(view, baseUrl);
        String json = CACHE.getIfPresent(key);
        if (json == null) {
            json = writer.apply(MastodonJson.status(view, baseUrl));
            if (json.length() <= MAX_CACHED_JSON_CHARS) {
                CACHE.put(key, json);
            }
        }
        return json;
    }

    /** A JSON array of the views' Status entities, in order. */
    public static String statuses(List<PostView> views, String baseUrl, Function<Map<String, Object>, String> writer) {
        StringBuilder sb = new StringBuilder(256 + 2048 * views.size()).append('[');
        for (int i = 0; i < views.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(status(views.get(i), baseUrl, writer));
        }
        return sb.append(']').toString();
    }

    /** Entries currently held (approximate; for tests and metrics). */
    static long size() {
        CACHE.cleanUp();
        return CACHE.estimatedSize();
    }
}
