package dev.starling.server.http;

/**
 * Mastodon's cursor pagination parameters: {@code max_id} (older than), {@code since_id} (newer
 * than, newest first), {@code min_id} (newer than, immediately after the cursor), {@code limit}
 * (clamped to 1..max as Mastodon does).
 */
public record PageRequest(Long maxId, Long sinceId, Long minId, int limit) {
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 40;

    public static PageRequest from(Params params) {
        return from(params, DEFAULT_LIMIT, MAX_LIMIT);
    }

    public static PageRequest from(Params params, int defaultLimit, int maxLimit) {
        int limit = defaultLimit;
        String raw = params.string("limit");
        if (raw != null && !raw.isBlank()) {
            try {
                limit = Integer.parseInt(raw.trim());
            } catch (NumberFormatException e) {
                throw Params.badParam("limit", "must be an integer, got '" + Params.abbreviate(raw) + "'");
            }
            limit = Math.clamp(limit, 1, maxLimit);
        }
        return new PageRequest(params.id("max_id"), params.id("since_id"), params.id("min_id"), limit);
    }
}
