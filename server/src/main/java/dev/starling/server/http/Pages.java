package dev.starling.server.http;

import dev.starling.social.common.Page;
import dev.starling.social.common.Slice;
import io.javalin.http.Context;

/** Mastodon cursor pagination: parameters to social's {@link Page}, and a {@link Slice}'s cursors to the Link header. */
public final class Pages {
    private Pages() {}

    /** {@code max_id}, {@code since_id}, {@code min_id}, {@code limit} (clamped to 1..40, default 20, as Mastodon). */
    public static Page from(Params params) {
        Integer limit = null;
        String raw = params.string("limit");
        if (raw != null && !raw.isBlank()) {
            try {
                limit = Integer.parseInt(raw.trim());
            } catch (NumberFormatException e) {
                throw Params.badParam("limit", "must be an integer, got '" + Params.abbreviate(raw) + "'");
            }
        }
        return Page.of(params.id("max_id"), params.id("since_id"), params.id("min_id"), limit);
    }

    public static void link(Context ctx, String baseUrl, Slice<?> slice) {
        if (slice.isEmpty()) return;
        LinkHeader.set(ctx, baseUrl, slice.nextMaxId(), slice.prevMinId());
    }
}
