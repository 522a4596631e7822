package dev.starling.server.oauth;

import dev.starling.server.http.ApiException;
import dev.starling.server.ratelimit.RateLimitHeaders;
import dev.starling.server.ratelimit.RateLimiter;
import dev.starling.server.ratelimit.RateLimits;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The first step of every API request: resolves the bearer token (401 when it is unknown or
 * revoked) and spends one request of the caller's budget: per token when authenticated, per IP
 * otherwise (an invalid token is charged to the IP before it is refused).
 */
public final class Authenticator {
    static final int MAX_SCOPE_SETS = 256;
    private static final ConcurrentHashMap<String, Set<String>> SCOPE_SETS = new ConcurrentHashMap<>();

    private final OAuthStore store;
    private final RateLimiter limiter;
    private final RateLimits limits;

    public Authenticator(OAuthStore store, RateLimiter limiter, RateLimits limits) {
        this.store = store;
        this.limiter = limiter;
        this.limits = limits;
    }

    public void handle(Context ctx) throws SQLException {
        String bearer;
        try {
            bearer = Auth.bearer(ctx);
        } catch (ApiException e) {
            chargeIp(ctx);
            throw e;
        }
        if (bearer == null) {
            chargeIp(ctx);
            return;
        }
        Optional<OAuthStore.AccessToken> token = store.findToken(bearer);
        if (token.isEmpty()) {
            chargeIp(ctx);
            throw ApiException.unauthorized("The access token is invalid");
        }
        OAuthStore.AccessToken t = token.get();
        Caller caller = new Caller(t.id(), t.applicationId(), t.accountId(), scopeSet(t.scopes()));
        ctx.attribute(Auth.ATTRIBUTE, caller);
        if (limits.enabled()) RateLimitHeaders.apply(ctx, limiter.acquire("token", Long.toString(t.id()), limits.perToken()));
    }

    /**
     * The granted scopes of a token as a set, in their stored order. Tokens carry a handful of distinct scope strings, so
     * each is split once and its (unmodifiable) set shared by every request that presents such a token, instead of a
     * split and a new set per request; at most {@link #MAX_SCOPE_SETS} are kept.
     */
    static Set<String> scopeSet(String scopes) {
        Set<String> set = SCOPE_SETS.get(scopes);
        if (set == null) {
            set = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(scopes.split(" "))));
            if (SCOPE_SETS.size() < MAX_SCOPE_SETS) SCOPE_SETS.putIfAbsent(scopes, set);
        }
        return set;
    }

    private void chargeIp(Context ctx) {
        if (limits.enabled()) RateLimitHeaders.apply(ctx, limiter.acquire("ip", ctx.ip(), limits.perIp()));
    }

    /** Spends one sign-in attempt of this IP (password grant, sign-in form). */
    public void chargeSignIn(Context ctx) {
        if (limits.enabled()) RateLimitHeaders.apply(ctx, limiter.acquire("sign_in", ctx.ip(), limits.signIn()));
    }

    /** Spends one sign-up of this IP. */
    public void chargeSignUp(Context ctx) {
        if (limits.enabled()) RateLimitHeaders.apply(ctx, limiter.acquire("sign_up", ctx.ip(), limits.signUp()));
    }
}
