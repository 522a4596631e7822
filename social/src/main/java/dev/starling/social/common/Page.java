package dev.starling.social.common;

/**
 * Mastodon cursor pagination: {@code max_id} (older than, exclusive), {@code since_id} (newer than,
 * exclusive, newest first), {@code min_id} (newer than, exclusive, the page immediately after it,
 * i.e. oldest first then returned newest first), {@code limit} (1..{@link #MAX_LIMIT}).
 * Nulls mean "not given". Use {@link #of} to clamp a client's limit.
 */
public record Page(Long maxId, Long sinceId, Long minId, int limit) {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 40;

    public Page {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", was " + limit);
        }
    }

    /** Clamps {@code limit} into 1..40 (null gives the default 20), as Mastodon does. */
    public static Page of(Long maxId, Long sinceId, Long minId, Integer limit) {
        int l = limit == null ? DEFAULT_LIMIT : Math.max(1, Math.min(MAX_LIMIT, limit));
        return new Page(maxId, sinceId, minId, l);
    }

    public static Page first(int limit) {
        return new Page(null, null, null, limit);
    }

    public static Page first() {
        return first(DEFAULT_LIMIT);
    }

    /** True when the page is anchored at min_id (results are the oldest after it). */
    public boolean ascending() {
        return minId != null;
    }
}
