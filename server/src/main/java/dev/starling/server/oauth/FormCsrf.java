package dev.starling.server.oauth;

import dev.starling.server.http.Params;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CSRF protection of the HTML forms (double submit): a served form carries a random token that
 * must equal the one in a {@code SameSite=Strict}, {@code HttpOnly} cookie set with the form, which
 * another site can neither read nor make the browser send.
 */
final class FormCsrf {
    static final String COOKIE = "starling_form_csrf";
    static final String FIELD = "csrf_token";

    private FormCsrf() {}

    /** Sets a fresh cookie scoped to {@code cookiePath} and returns the hidden fields plus the token. */
    static Map<String, String> issue(Context ctx, String cookiePath, Map<String, String> hidden) {
        String token = Secrets.newSecret();
        ctx.header("Set-Cookie", COOKIE + "=" + token + "; Path=" + cookiePath + "; HttpOnly; SameSite=Strict; Max-Age=3600");
        Map<String, String> out = new LinkedHashMap<>(hidden);
        out.put(FIELD, token);
        return out;
    }

    static boolean valid(Context ctx, Params p) {
        String field = p.string(FIELD, 100);
        String cookie = ctx.cookie(COOKIE);
        return field != null && cookie != null && !field.isEmpty()
                && Secrets.constantTimeEquals(field.getBytes(StandardCharsets.UTF_8), cookie.getBytes(StandardCharsets.UTF_8));
    }
}
