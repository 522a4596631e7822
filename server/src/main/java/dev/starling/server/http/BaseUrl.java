package dev.starling.server.http;

import io.javalin.http.Context;

/** The external base URL (scheme://host[:port], no trailing slash) for links in responses. */
public final class BaseUrl {
    /** The longest Host header we put in links. */
    static final int MAX_HOST_CHARS = 300;

    /**
     * The last scheme and host seen with the base URL made of them: nearly every request of a server names the same
     * host, so its URL is checked and concatenated once, not per request. One immutable triple, replaced whole.
     */
    private record Last(String scheme, String host, String baseUrl) {}

    private static volatile Last last = new Last("", "", "");

    private BaseUrl() {}

    public static String of(Context ctx, String configured) {
        if (configured != null) return configured;
        return of(ctx.scheme(), ctx.host());
    }

    /** The base URL for a request's scheme and Host header; an unsafe or missing host becomes {@code localhost}. */
    static String of(String scheme, String host) {
        Last l = last;
        if (l.host.equals(host) && l.scheme.equals(scheme)) return l.baseUrl;
        String base = scheme + "://" + (safeHost(host) ? host : "localhost");
        if (host != null && scheme != null) last = new Last(scheme, host, base);
        return base;
    }

    /**
     * A Host header we put in links: letters, digits, dots, dashes, a port, an IPv6 literal; 1 to
     * {@link #MAX_HOST_CHARS} characters (the pattern {@code [A-Za-z0-9.\-:\[\]]{1,300}}, without a regex per request).
     */
    static boolean safeHost(String host) {
        if (host == null || host.isEmpty() || host.length() > MAX_HOST_CHARS) return false;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
            if (!ok) return false;
        }
        return true;
    }
}
