package dev.starling.server.oauth;

import dev.starling.server.http.ApiException;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Reads the caller that the server's authentication step put on the request, and enforces scopes. */
public final class Auth {
    static final String ATTRIBUTE = Caller.class.getName();

    private Auth() {}

    public static Optional<Caller> caller(Context ctx) {
        return Optional.ofNullable(ctx.attribute(ATTRIBUTE));
    }

    /** The signed-in account id, or null for an anonymous caller or app token (public reads). */
    public static Long viewer(Context ctx, String scope) {
        Caller c = ctx.attribute(ATTRIBUTE);
        if (c == null || !c.isUser()) return null;
        requireScope(c, scope);
        return c.accountId();
    }

    /** The signed-in account id; 401 without a token, 422 for an app token, 403 without the scope. */
    public static long user(Context ctx, String scope) {
        Caller c = ctx.attribute(ATTRIBUTE);
        if (c == null) throw ApiException.unauthorized("The access token is invalid");
        if (!c.isUser()) throw new ApiException(422, "This method requires an authenticated user");
        requireScope(c, scope);
        return c.accountId();
    }

    /** Any valid token (user or app) with the scope. */
    public static Caller token(Context ctx, String scope) {
        Caller c = ctx.attribute(ATTRIBUTE);
        if (c == null) throw ApiException.unauthorized("The access token is invalid");
        requireScope(c, scope);
        return c;
    }

    private static void requireScope(Caller c, String scope) {
        if (scope != null && !Scopes.allows(c.scopes(), scope)) {
            throw new ApiException(403, "This action is outside the authorized scopes", Map.of(), Map.of());
        }
    }

    /** The bearer token of the Authorization header, null when there is none; 401 when malformed. */
    static String bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) return null;
        String h = header.trim();
        // Other schemes (HTTP Basic client authentication on /oauth/token) are not bearer tokens.
        if (!h.regionMatches(true, 0, "Bearer", 0, 6)) return null;
        if (h.length() > 7 && h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            String token = h.substring(7).trim();
            if (!token.isEmpty() && token.length() <= 512) return token;
        }
        throw ApiException.unauthorized("The access token is invalid");
    }
}
