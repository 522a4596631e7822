package dev.starling.server.oauth;

import dev.starling.server.http.ApiException;
import io.javalin.http.Context;
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
        // (as header.trim(), then the scheme and what follows it trimmed, without copying the header on the way)
        int start = 0;
        int end = header.length();
        while (start < end && header.charAt(start) <= ' ') start++;
        while (end > start && header.charAt(end - 1) <= ' ') end--;
        // Other schemes (HTTP Basic client authentication on /oauth/token) are not bearer tokens.
        if (!header.regionMatches(true, start, "Bearer", 0, 6)) return null;
        if (end - start > 7 && header.regionMatches(true, start, "bearer ", 0, 7)) {
            int tokenStart = start + 7;
            while (tokenStart < end && header.charAt(tokenStart) <= ' ') tokenStart++;
            int length = end - tokenStart;
            if (length > 0 && length <= 512) return header.substring(tokenStart, end);
        }
        throw ApiException.unauthorized("The access token is invalid");
    }
}
