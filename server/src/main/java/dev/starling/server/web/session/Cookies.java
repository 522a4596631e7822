package dev.starling.server.web.session;

import io.javalin.http.Context;

/**
 * The web app's cookies. Every one is {@code HttpOnly}, {@code SameSite=Lax}, {@code Path=/}, and
 * {@code Secure} when the request came over TLS: directly ({@code https} scheme), through a proxy
 * that says so ({@code X-Forwarded-Proto: https}), or when the configured public URL is https.
 */
public final class Cookies {
    /** The sign-in session secret ({@link WebSessions}). */
    public static final String SESSION = "starling_session";
    /** The anonymous CSRF secret (double submit) for forms shown before sign-in. */
    public static final String CSRF = "starling_csrf";

    private final String publicBaseUrl;

    public Cookies(String publicBaseUrl) {
        this.publicBaseUrl = publicBaseUrl;
    }

    public boolean secure(Context ctx) {
        if ("https".equalsIgnoreCase(ctx.scheme())) return true;
        String forwarded = ctx.header("X-Forwarded-Proto");
        if (forwarded != null && forwarded.trim().toLowerCase(java.util.Locale.ROOT).startsWith("https")) return true;
        return publicBaseUrl != null && publicBaseUrl.startsWith("https:");
    }

    /** Sets a cookie; {@code maxAgeSeconds} 0 deletes it, negative makes it last as long as the browser. */
    public void set(Context ctx, String name, String value, long maxAgeSeconds) {
        StringBuilder c = new StringBuilder(name).append('=').append(value).append("; Path=/; HttpOnly; SameSite=Lax");
        if (maxAgeSeconds >= 0) c.append("; Max-Age=").append(maxAgeSeconds);
        if (secure(ctx)) c.append("; Secure");
        ctx.res().addHeader("Set-Cookie", c.toString());
    }

    public void delete(Context ctx, String name) {
        set(ctx, name, "", 0);
    }
}
