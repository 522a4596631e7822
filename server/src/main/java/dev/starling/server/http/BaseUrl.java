package dev.starling.server.http;

import io.javalin.http.Context;

/** The external base URL (scheme://host[:port], no trailing slash) for links in responses. */
public final class BaseUrl {
    private BaseUrl() {}

    public static String of(Context ctx, String configured) {
        if (configured != null) return configured;
        String host = ctx.host();
        if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.\\-:\\[\\]]{1,300}")) host = "localhost";
        return ctx.scheme() + "://" + host;
    }
}
