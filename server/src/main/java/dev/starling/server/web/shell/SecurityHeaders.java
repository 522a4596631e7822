package dev.starling.server.web.shell;

import io.javalin.http.Context;

/** The headers of every web page and fragment: a strict CSP (no inline script or style), no framing, no sniffing. */
public final class SecurityHeaders {
    public static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private SecurityHeaders() {}

    public static void apply(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
    }
}
