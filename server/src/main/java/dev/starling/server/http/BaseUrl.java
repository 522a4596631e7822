package dev.starling.server.http;

import io.javalin.http.Context;
import java.util.regex.Pattern;

/** The external base URL (scheme://host[:port], no trailing slash) for links in responses. */
public final class BaseUrl {
    /** A Host header we put in links: letters, digits, dots, dashes, a port, an IPv6 literal; at most 300 characters. */
    private static final Pattern SAFE_HOST = Pattern.compile("[A-Za-z0-9.\\-:\\[\\]]{1,300}");

    private BaseUrl() {}

    /** Compiled once: every request that renders a link asks (String.matches compiled the pattern each time). */
    public static String of(Context ctx, String configured) {
        if (configured != null) return configured;
        String host = ctx.host();
        if (host == null || host.isBlank() || !SAFE_HOST.matcher(host).matches()) host = "localhost";
        return ctx.scheme() + "://" + host;
    }
}
