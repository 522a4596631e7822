package dev.starling.server.web.session;

import dev.starling.server.oauth.Secrets;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * CSRF tokens. Signed in, the token is derived from the session secret (SHA-256 of a label and the
 * secret): only a page served to the cookie's owner can know it, and it changes with every sign-in.
 * Signed out (sign-in and sign-up forms), it is a double-submit token: a random secret in an
 * HttpOnly SameSite=Lax cookie that the form must echo. A request passes when the form field
 * {@value #FIELD} or the header {@value #HEADER} equals the expected token (constant-time), and
 * it is not marked cross-site by the browser ({@code Sec-Fetch-Site: cross-site}).
 */
public final class Csrf {
    /** The hidden form field every form carries. */
    public static final String FIELD = "csrf_token";
    /** The header every state-changing fetch sends (value from {@code <meta name="csrf-token">}). */
    public static final String HEADER = "X-CSRF-Token";
    private static final String ISSUED = "web.csrf.issued";

    private final Cookies cookies;

    public Csrf(Cookies cookies) {
        this.cookies = cookies;
    }

    /** The token a page for this request must embed; issues the anonymous cookie when needed. */
    public String token(Context ctx, String sessionSecret) {
        if (sessionSecret != null) return derive(sessionSecret);
        String issued = ctx.attribute(ISSUED);
        if (issued != null) return issued;
        String existing = ctx.cookie(Cookies.CSRF);
        if (existing != null && existing.length() >= 40 && existing.length() <= 100) return existing;
        String fresh = Secrets.newSecret();
        cookies.set(ctx, Cookies.CSRF, fresh, -1);
        ctx.attribute(ISSUED, fresh);
        return fresh;
    }

    /** Whether this state-changing request carries the right token. */
    public boolean valid(Context ctx, String sessionSecret) {
        if ("cross-site".equalsIgnoreCase(ctx.header("Sec-Fetch-Site"))) return false;
        String expected = sessionSecret != null ? derive(sessionSecret) : ctx.cookie(Cookies.CSRF);
        if (expected == null || expected.length() < 40) return false;
        String given = ctx.header(HEADER);
        if (given == null || given.isEmpty()) given = formField(ctx);
        if (given == null || given.length() > 100) return false;
        return Secrets.constantTimeEquals(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    private static String formField(Context ctx) {
        String type = ctx.contentType();
        if (type == null) return null;
        type = type.toLowerCase(java.util.Locale.ROOT);
        if (!type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data")) return null;
        try {
            return ctx.formParam(FIELD);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String derive(String sessionSecret) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Secrets.sha256("starling-web-csrf\0" + sessionSecret));
    }
}
