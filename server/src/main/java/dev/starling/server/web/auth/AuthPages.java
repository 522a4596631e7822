package dev.starling.server.web.auth;

import dev.starling.server.RouteModule;
import dev.starling.server.http.ApiException;
import dev.starling.server.oauth.Authenticator;
import dev.starling.server.web.Form;
import dev.starling.server.web.Web;
import dev.starling.server.web.WebException;
import dev.starling.server.web.session.Cookies;
import dev.starling.server.web.session.WebSessions;
import dev.starling.server.web.shell.PageMeta;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.SignUp;
import dev.starling.social.common.Outcome;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.HashMap;
import java.util.Map;

/**
 * Sign up ({@code /sign_up}), sign in ({@code /sign_in}) and sign out ({@code POST /sign_out}).
 * Sign-in and sign-up spend the same per-IP budgets as the API's; both start a fresh session
 * (never reusing a cookie the browser came with) and go to {@code return_to} when it is a local path.
 */
public final class AuthPages implements RouteModule {
    private final Web web;
    private final Authenticator authenticator;

    public AuthPages(Web web, Authenticator authenticator) {
        this.web = web;
        this.authenticator = authenticator;
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.get("/sign_in", ctx -> signInForm(ctx, 200, null, ""));
        routes.post("/sign_in", this::signIn);
        routes.get("/sign_up", ctx -> signUpForm(ctx, 200, null, "", ""));
        routes.post("/sign_up", this::signUp);
        routes.post("/sign_out", this::signOut);
    }

    private static String returnTo(Context ctx) {
        String r = ctx.queryParam("return_to");
        if (r == null && ctx.method().name().equals("POST")) r = Form.field(ctx, "return_to", 2000);
        return Web.isLocalPath(r) ? r : "/";
    }

    private void signInForm(Context ctx, int status, String error, String login) {
        Map<String, Object> p = new HashMap<>();
        p.put("error", error);
        p.put("login", login);
        p.put("returnTo", returnTo(ctx));
        web.page(ctx, status, PageMeta.of("Sign in", null), "auth/sign_in.jte", p);
    }

    private void signUpForm(Context ctx, int status, String error, String username, String email) {
        Map<String, Object> p = new HashMap<>();
        p.put("error", error);
        p.put("username", username);
        p.put("email", email);
        web.page(ctx, status, PageMeta.of("Sign up", null), "auth/sign_up.jte", p);
    }

    private void signIn(Context ctx) {
        web.requireCsrf(ctx);
        String login = Form.field(ctx, "login", 320);
        String password = Form.field(ctx, "password", 1000);
        charge(() -> authenticator.chargeSignIn(ctx));
        Outcome<Account> result = web.social().accounts().signIn(login == null ? "" : login.trim(), password == null ? "" : password);
        if (!(result instanceof Outcome.Ok<Account> ok)) {
            signInForm(ctx, 401, "That username or email and password do not match an account.", login == null ? "" : login);
            return;
        }
        startSession(ctx, ok.value());
        web.seeOther(ctx, returnTo(ctx));
    }

    private void signUp(Context ctx) {
        web.requireCsrf(ctx);
        String username = Form.field(ctx, "username", 30);
        String email = Form.field(ctx, "email", 320);
        String password = Form.field(ctx, "password", 1000);
        boolean agreed = "true".equals(Form.field(ctx, "agreement", 10));
        if (!agreed) {
            signUpForm(ctx, 422, "Please accept the rules of this server.", nz(username), nz(email));
            return;
        }
        charge(() -> authenticator.chargeSignUp(ctx));
        Outcome<Account> created = web.social().accounts().signUp(new SignUp(nz(username).trim(), nz(email).trim(), nz(password)));
        if (created instanceof Outcome.Rejected<Account> r) {
            signUpForm(ctx, 422, capitalize(r.rejection().message()) + ".", nz(username), nz(email));
            return;
        }
        startSession(ctx, created.orThrow());
        web.seeOther(ctx, "/?notice=welcome");
    }

    private void signOut(Context ctx) {
        // Without a live session there is nothing to protect: just forget the cookie (a page left open past expiry).
        if (web.viewer(ctx).isPresent()) web.requireCsrf(ctx);
        String secret = ctx.cookie(Cookies.SESSION);
        if (secret != null) web.sessions().revoke(secret);
        web.cookies().delete(ctx, Cookies.SESSION);
        web.seeOther(ctx, "/?notice=signed_out");
    }

    private void startSession(Context ctx, Account account) {
        String old = ctx.cookie(Cookies.SESSION);
        if (old != null) web.sessions().revoke(old);
        String secret = web.sessions().create(account.id(), ctx.userAgent());
        web.cookies().set(ctx, Cookies.SESSION, secret, WebSessions.LIFETIME.toSeconds());
        web.cookies().delete(ctx, Cookies.CSRF);
    }

    /** Rate limits answer as a page, not the API's JSON. */
    private static void charge(Runnable spend) {
        try {
            spend.run();
        } catch (ApiException e) {
            throw new WebException(e.status(), "Too many attempts from your network. Wait a few minutes and try again.");
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
