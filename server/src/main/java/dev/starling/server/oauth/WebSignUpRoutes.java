package dev.starling.server.oauth;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.server.RouteModule;
import dev.starling.server.http.Params;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.Accounts;
import dev.starling.social.accounts.SignUp;
import dev.starling.social.common.Outcome;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sign-up page ({@code GET/POST /auth/sign_up}, as Mastodon's), linked from the OAuth sign-in
 * form so that a person with a Mastodon app can create an account without another tool. Same
 * rules and budget as {@code POST /api/v1/accounts}; CSRF-protected; {@code return_to} may only lead
 * back to this server's {@code /oauth/authorize}.
 */
public final class WebSignUpRoutes implements RouteModule {
    private static final String COOKIE_PATH = "/auth";

    private final Accounts accounts;
    private final Authenticator authenticator;
    private final ObjectMapper mapper;

    public WebSignUpRoutes(Accounts accounts, Authenticator authenticator, ObjectMapper mapper) {
        this.accounts = accounts;
        this.authenticator = authenticator;
        this.mapper = mapper;
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.get("/auth/sign_up", ctx -> {
            Params p = Params.from(ctx, mapper);
            html(ctx, 200, SignInPage.signUp(FormCsrf.issue(ctx, COOKIE_PATH, hidden(p)), null, Map.of()));
        });
        routes.post("/auth/sign_up", this::submit);
    }

    private static Map<String, String> hidden(Params p) {
        Map<String, String> hidden = new LinkedHashMap<>();
        String returnTo = returnTo(p);
        if (returnTo != null) hidden.put("return_to", returnTo);
        return hidden;
    }

    /** Only a path on this server's authorize endpoint: never an open redirect. */
    private static String returnTo(Params p) {
        String r = p.string("return_to", 4000);
        return r != null && r.startsWith("/oauth/authorize?") && !r.contains("\\") ? r : null;
    }

    private void submit(Context ctx) {
        Params p = Params.from(ctx, mapper);
        Map<String, String> values = new LinkedHashMap<>();
        String username = p.string("username", 30);
        String email = p.string("email", 320);
        values.put("username", username == null ? "" : username);
        values.put("email", email == null ? "" : email);
        if (!FormCsrf.valid(ctx, p)) {
            html(ctx, 403, SignInPage.signUp(FormCsrf.issue(ctx, COOKIE_PATH, hidden(p)),
                    "This sign-up form expired or did not come from this server; please try again.", values));
            return;
        }
        if (!p.bool("agreement", false)) {
            html(ctx, 422, SignInPage.signUp(FormCsrf.issue(ctx, COOKIE_PATH, hidden(p)), "Please accept the rules of this server.", values));
            return;
        }
        authenticator.chargeSignUp(ctx);
        Outcome<Account> created = accounts.signUp(new SignUp(username == null ? "" : username, email == null ? "" : email,
                p.string("password", 1000)));
        if (created instanceof Outcome.Rejected<Account> r) {
            html(ctx, 422, SignInPage.signUp(FormCsrf.issue(ctx, COOKIE_PATH, hidden(p)), capitalize(r.rejection().message()), values));
            return;
        }
        html(ctx, 200, SignInPage.signedUp(created.orThrow().username(), returnTo(p)));
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static void html(Context ctx, int status, String html) {
        ctx.status(status).contentType("text/html; charset=utf-8").header("Cache-Control", "no-store")
                .header("Content-Security-Policy", "default-src 'none'; form-action 'self'; frame-ancestors 'none'")
                .header("X-Frame-Options", "DENY").result(html);
    }
}
