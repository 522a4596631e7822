package dev.starling.server.http;

import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The {@code Link} header as Mastodon emits it: {@code <...?max_id=LAST>; rel="next"} when the
 * page was full, {@code <...?min_id=FIRST>; rel="prev"} when the page was not empty; other query
 * parameters of the request are kept.
 *
 * <p>Both links are written into one builder: the part they share (base URL, path and the kept
 * parameters) is built once, and parameter names and values made only of characters that need no
 * encoding (nearly all: {@code limit=20}) are appended as they are instead of going through
 * {@link URLEncoder}. The header is the same, byte for byte.
 */
public final class LinkHeader {
    private LinkHeader() {}

    /**
     * @param nextMaxId cursor for older items (id of the last item), or null for no next link
     * @param prevMinId cursor for newer items (id of the first item), or null for no prev link
     */
    public static void set(Context ctx, String baseUrl, Long nextMaxId, Long prevMinId) {
        if (nextMaxId == null && prevMinId == null) return;
        ctx.header("Link", value(baseUrl, ctx.path(), ctx.queryParamMap(), nextMaxId, prevMinId));
    }

    /** Convenience for a page of items ordered newest first, identified by {@code ids}. */
    public static void forPage(Context ctx, String baseUrl, List<Long> ids, int limit) {
        if (ids.isEmpty()) return;
        set(ctx, baseUrl, ids.size() >= limit ? ids.getLast() : null, ids.getFirst());
    }

    /** The header's value for a request of {@code path} with {@code query}; at least one cursor is not null. */
    static String value(String baseUrl, String path, Map<String, List<String>> query, Long nextMaxId, Long prevMinId) {
        StringBuilder prefix = new StringBuilder(baseUrl.length() + path.length() + 32).append(baseUrl).append(path).append('?');
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            String key = e.getKey();
            if (isCursor(key)) continue;
            for (String v : e.getValue()) {
                appendEncoded(prefix, key).append('=');
                appendEncoded(prefix, v).append('&');
            }
        }
        StringBuilder out = new StringBuilder(2 * prefix.length() + 64);
        if (nextMaxId != null) {
            out.append('<').append(prefix).append("max_id=").append(nextMaxId.longValue()).append(">; rel=\"next\"");
        }
        if (prevMinId != null) {
            if (!out.isEmpty()) out.append(", ");
            out.append('<').append(prefix).append("min_id=").append(prevMinId.longValue()).append(">; rel=\"prev\"");
        }
        return out.toString();
    }

    private static boolean isCursor(String key) {
        return key.equals("max_id") || key.equals("since_id") || key.equals("min_id");
    }

    /** {@code s} as {@link URLEncoder} encodes it in UTF-8, with {@code [} and {@code ]} left as they are. */
    static StringBuilder appendEncoded(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!keptAsIs(s.charAt(i))) {
                return sb.append(URLEncoder.encode(s, StandardCharsets.UTF_8).replace("%5B", "[").replace("%5D", "]"));
            }
        }
        return sb.append(s);
    }

    /** Characters URLEncoder leaves alone, plus the brackets this header keeps. */
    private static boolean keptAsIs(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '-' || c == '*' || c == '_' || c == '[' || c == ']';
    }
}
