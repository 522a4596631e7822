package dev.starling.server.http;

import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The {@code Link} header as Mastodon emits it: {@code <...?max_id=LAST>; rel="next"} when the
 * page was full, {@code <...?min_id=FIRST>; rel="prev"} when the page was not empty; other query
 * parameters of the request are kept.
 */
public final class LinkHeader {
    private static final Set<String> CURSORS = Set.of("max_id", "since_id", "min_id");

    private LinkHeader() {}

    /**
     * @param nextMaxId cursor for older items (id of the last item), or null for no next link
     * @param prevMinId cursor for newer items (id of the first item), or null for no prev link
     */
    public static void set(Context ctx, String baseUrl, Long nextMaxId, Long prevMinId) {
        if (nextMaxId == null && prevMinId == null) return;
        StringJoiner links = new StringJoiner(", ");
        if (nextMaxId != null) links.add("<" + url(ctx, baseUrl, "max_id", nextMaxId) + ">; rel=\"next\"");
        if (prevMinId != null) links.add("<" + url(ctx, baseUrl, "min_id", prevMinId) + ">; rel=\"prev\"");
        ctx.header("Link", links.toString());
    }

    /** Convenience for a page of items ordered newest first, identified by {@code ids}. */
    public static void forPage(Context ctx, String baseUrl, List<Long> ids, int limit) {
        if (ids.isEmpty()) return;
        set(ctx, baseUrl, ids.size() >= limit ? ids.getLast() : null, ids.getFirst());
    }

    private static String url(Context ctx, String baseUrl, String cursor, long value) {
        StringBuilder sb = new StringBuilder(baseUrl).append(ctx.path()).append('?');
        for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
            if (CURSORS.contains(e.getKey())) continue;
            for (String v : e.getValue()) {
                sb.append(enc(e.getKey())).append('=').append(enc(v)).append('&');
            }
        }
        return sb.append(cursor).append('=').append(value).toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("%5B", "[").replace("%5D", "]");
    }
}
