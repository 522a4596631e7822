package dev.starling.server.accounts;

import dev.starling.server.RouteModule;
import dev.starling.server.http.ApiException;
import dev.starling.server.http.Outcomes;
import dev.starling.server.http.Params;
import dev.starling.server.http.RouteSupport;
import dev.starling.server.oauth.ApplicationJson;
import dev.starling.server.oauth.Auth;
import dev.starling.server.oauth.Authenticator;
import dev.starling.server.oauth.Caller;
import dev.starling.server.oauth.OAuthStore;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.Accounts;
import dev.starling.social.accounts.SignUp;
import dev.starling.social.common.Outcome;
import dev.starling.social.common.Rejection;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /api/v1/accounts}: sign-up with an app token (client_credentials), as Mastodon does;
 * answers with a user token for the new account. {@code POST /api/v1/starling/change_password}
 * (Starling's own; Mastodon does this in its web UI): changes the password and revokes every token
 * of the account, the caller's included.
 */
public final class SignUpRoutes implements RouteModule {
    private final RouteSupport support;
    private final Accounts accounts;
    private final OAuthStore oauth;
    private final Authenticator authenticator;

    public SignUpRoutes(RouteSupport support, Accounts accounts, OAuthStore oauth, Authenticator authenticator) {
        this.support = support;
        this.accounts = accounts;
        this.oauth = oauth;
        this.authenticator = authenticator;
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.post("/api/v1/accounts", ctx -> {
            Caller app = Auth.token(ctx, "write:accounts");
            if (app.isUser()) throw ApiException.forbidden("This method requires an app token (client_credentials), not a user token");
            Params p = support.params(ctx);
            String username = p.required("username", 30);
            String email = p.required("email", 320);
            String password = p.required("password", 1000);
            if (!p.bool("agreement", false)) throw validation("agreement", "ERR_ACCEPTED", "Agreement must be accepted");
            p.string("locale", 16);
            authenticator.chargeSignUp(ctx);
            Outcome<Account> created = accounts.signUp(new SignUp(username, email, password));
            if (created instanceof Outcome.Rejected<Account> r) throw signUpError(r.rejection());
            Account account = created.orThrow();
            ctx.json(ApplicationJson.token(oauth.createToken(app.applicationId(), account.id(), String.join(" ", app.scopes()))));
        });
        routes.post("/api/v1/starling/change_password", ctx -> {
            long me = Auth.user(ctx, "write:accounts");
            Params p = support.params(ctx);
            String current = p.required("current_password", 1000);
            String next = p.required("password", 1000);
            Outcomes.value(accounts.changePassword(me, current, next));
            int revoked = oauth.revokeAllForAccount(me);
            ctx.json(Map.of("revoked_tokens", revoked));
        });
    }

    /** Mastodon's 422 for sign-up: a message plus {@code details} keyed by the offending field. */
    private static ApiException signUpError(Rejection r) {
        if (r.kind() != Rejection.Kind.INVALID && r.kind() != Rejection.Kind.CONFLICT) return Outcomes.error(r);
        String lower = r.message().toLowerCase(Locale.ROOT);
        String field = lower.contains("email") ? "email" : lower.contains("password") ? "password" : "username";
        String code = r.kind() == Rejection.Kind.CONFLICT ? "ERR_TAKEN" : "ERR_INVALID";
        return validation(field, code, r.message());
    }

    private static ApiException validation(String field, String code, String description) {
        return new ApiException(422, "Validation failed: " + description,
                Map.of("details", Map.of(field, List.of(Map.of("error", code, "description", description)))), Map.of());
    }
}
