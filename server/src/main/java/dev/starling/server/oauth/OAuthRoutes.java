package dev.starling.server.oauth;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.server.RouteModule;
import dev.starling.server.http.ApiException;
import dev.starling.server.http.Params;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.Accounts;
import dev.starling.social.common.Outcome;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Apps and OAuth 2 as Mastodon clients use them: {@code POST /api/v1/apps},
 * {@code GET /api/v1/apps/verify_credentials}, the authorization-code flow with PKCE (S256) through
 * {@code GET/POST /oauth/authorize} (a minimal sign-in form), {@code POST /oauth/token} (grants
 * authorization_code, client_credentials, password) and {@code POST /oauth/revoke}.
 */
public final class OAuthRoutes implements RouteModule {
    public static final String OOB = "urn:ietf:wg:oauth:2.0:oob";
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9\\-._~]{43,128}");

    private final OAuthStore store;
    private final Accounts accounts;
    private final Authenticator authenticator;
    private final ObjectMapper mapper;

    public OAuthRoutes(OAuthStore store, Accounts accounts, Authenticator authenticator, ObjectMapper mapper) {
        this.store = store;
        this.accounts = accounts;
        this.authenticator = authenticator;
        this.mapper = mapper;
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.post("/api/v1/apps", this::createApp);
        routes.get("/api/v1/apps/verify_credentials", ctx -> {
            Caller caller = Auth.token(ctx, null);
            OAuthStore.Application app = store.applicationById(caller.applicationId()).orElseThrow(ApiException::notFound);
            Map<String, Object> json = ApplicationJson.application(app);
            ctx.json(json);
        });
        routes.get("/oauth/authorize", this::authorizeForm);
        routes.post("/oauth/authorize", this::authorizeSubmit);
        routes.post("/oauth/token", this::token);
        routes.post("/oauth/revoke", this::revoke);
    }

    private void createApp(Context ctx) throws SQLException {
        Params p = Params.from(ctx, mapper);
        String name = p.required("client_name", 200);
        List<String> uris = new ArrayList<>();
        for (String raw : p.list("redirect_uris", 16)) {
            for (String line : raw.split("\\s+")) if (!line.isBlank()) uris.add(line);
        }
        if (uris.isEmpty()) throw Params.badParam("redirect_uris", "can't be blank");
        if (uris.size() > 16) throw Params.badParam("redirect_uris", "has more than 16 URIs");
        for (String uri : uris) validateRedirectUri(uri);
        String scopesRaw = p.string("scopes", Scopes.MAX_SCOPES_CHARS);
        Set<String> scopes = Scopes.parse(scopesRaw);
        if (scopes == null) throw Params.badParam("scopes", "contains unknown scopes: " + Scopes.unknown(scopesRaw));
        String website = p.string("website", 2048);
        if (website != null && website.isBlank()) website = null;
        if (website != null) validateHttpUrl("website", website);
        ctx.json(ApplicationJson.credentialApplication(store.createApplication(name, website, uris, Scopes.format(scopes))));
    }

    private static void validateRedirectUri(String uri) {
        if (uri.length() > 2048) throw Params.badParam("redirect_uris", "has a URI longer than 2048 characters");
        if (uri.equals(OOB)) return;
        try {
            URI u = new URI(uri);
            if (!u.isAbsolute() || u.getFragment() != null) throw Params.badParam("redirect_uris", "must be absolute URIs without fragment: " + uri);
        } catch (URISyntaxException e) {
            throw Params.badParam("redirect_uris", "has an invalid URI: " + e.getMessage());
        }
    }

    private static void validateHttpUrl(String name, String url) {
        try {
            URI u = new URI(url);
            if (u.getScheme() == null || !(u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))) {
                throw Params.badParam(name, "must be an http(s) URL");
            }
        } catch (URISyntaxException e) {
            throw Params.badParam(name, "is not a valid URL: " + e.getMessage());
        }
    }

    /** The validated request of the authorize endpoint (same checks for GET and POST). */
    private record AuthorizeRequest(OAuthStore.Application app, String redirectUri, String scopes, String state,
                                    String codeChallenge, String codeChallengeMethod) {
        Map<String, String> hidden() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("response_type", "code");
            m.put("client_id", app.clientId());
            m.put("redirect_uri", redirectUri);
            m.put("scope", scopes);
            m.put("state", state);
            m.put("code_challenge", codeChallenge);
            m.put("code_challenge_method", codeChallengeMethod);
            return m;
        }
    }

    private Optional<AuthorizeRequest> authorizeRequest(Context ctx, Params p) throws SQLException {
        String clientId = p.string("client_id", 200);
        Optional<OAuthStore.Application> app = clientId == null ? Optional.empty() : store.applicationByClientId(clientId);
        if (app.isEmpty()) {
            htmlError(ctx, 400, "Client authentication failed: unknown client_id.");
            return Optional.empty();
        }
        String redirectUri = p.string("redirect_uri", 2048);
        if (redirectUri == null && app.get().redirectUris().size() == 1) redirectUri = app.get().redirectUris().getFirst();
        if (redirectUri == null || !app.get().redirectUris().contains(redirectUri)) {
            htmlError(ctx, 400, "The redirect_uri is not one of the application's registered redirect URIs.");
            return Optional.empty();
        }
        if (!"code".equals(p.string("response_type", 50))) {
            htmlError(ctx, 400, "response_type must be 'code'.");
            return Optional.empty();
        }
        String scopeRaw = p.string("scope", Scopes.MAX_SCOPES_CHARS);
        Set<String> scopes = Scopes.parse(scopeRaw);
        if (scopes == null || !Scopes.subset(scopes, Set.of(app.get().scopes().split(" ")))) {
            htmlError(ctx, 400, "The requested scope is invalid, unknown, or not registered for this application.");
            return Optional.empty();
        }
        String challenge = p.string("code_challenge", 200);
        String method = p.string("code_challenge_method", 20);
        if (challenge != null && !challenge.isEmpty()) {
            if (method == null || method.isEmpty()) method = "plain";
            if (!method.equals("S256")) {
                htmlError(ctx, 400, "code_challenge_method must be S256 (plain is not supported).");
                return Optional.empty();
            }
            if (!challenge.matches("[A-Za-z0-9_-]{43}")) {
                htmlError(ctx, 400, "code_challenge must be the 43-character base64url SHA-256 of the code verifier.");
                return Optional.empty();
            }
        } else {
            challenge = null;
            method = null;
        }
        return Optional.of(new AuthorizeRequest(app.get(), redirectUri, Scopes.format(scopes), p.string("state", 1000), challenge, method));
    }

    private void authorizeForm(Context ctx) throws SQLException {
        Params p = Params.from(ctx, mapper);
        Optional<AuthorizeRequest> req = authorizeRequest(ctx, p);
        if (req.isEmpty()) return;
        html(ctx, 200, SignInPage.form(req.get().app().name(), FormCsrf.issue(ctx, "/oauth", req.get().hidden()), null));
    }

    private void authorizeSubmit(Context ctx) throws SQLException {
        Params p = Params.from(ctx, mapper);
        Optional<AuthorizeRequest> maybe = authorizeRequest(ctx, p);
        if (maybe.isEmpty()) return;
        AuthorizeRequest req = maybe.get();
        if (!FormCsrf.valid(ctx, p)) {
            html(ctx, 403, SignInPage.form(req.app().name(), FormCsrf.issue(ctx, "/oauth", req.hidden()),
                    "This sign-in form expired or did not come from this server; please sign in again."));
            return;
        }
        authenticator.chargeSignIn(ctx);
        String login = p.string("login", 320);
        String password = p.string("password", 1000);
        Outcome<Account> signedIn = login == null || password == null
                ? Outcome.rejected(dev.starling.social.common.Rejection.Kind.UNAUTHORIZED, Accounts.BAD_LOGIN)
                : accounts.signIn(login, password);
        if (!(signedIn instanceof Outcome.Ok<Account> ok)) {
            html(ctx, 401, SignInPage.form(req.app().name(), FormCsrf.issue(ctx, "/oauth", req.hidden()), "Invalid login or password."));
            return;
        }
        String code = store.createAuthorizationCode(new OAuthStore.AuthorizationCode(req.app().id(), ok.value().id(),
                req.redirectUri(), req.scopes(), req.codeChallenge(), req.codeChallengeMethod()));
        if (req.redirectUri().equals(OOB)) {
            html(ctx, 200, SignInPage.code(code));
            return;
        }
        StringBuilder location = new StringBuilder(req.redirectUri()).append(req.redirectUri().contains("?") ? '&' : '?')
                .append("code=").append(URLEncoder.encode(code, StandardCharsets.UTF_8));
        if (req.state() != null) location.append("&state=").append(URLEncoder.encode(req.state(), StandardCharsets.UTF_8));
        ctx.status(302).header("Location", location.toString()).header("Cache-Control", "no-store");
    }

    private void token(Context ctx) throws SQLException {
        Params p = Params.from(ctx, mapper);
        String grantType = p.string("grant_type", 100);
        if (grantType == null || grantType.isBlank()) throw OAuthError.invalidRequest("Missing required parameter: grant_type.");
        String[] basic = basicCredentials(ctx);
        String clientId = basic != null ? basic[0] : p.string("client_id", 200);
        String clientSecret = basic != null ? basic[1] : p.string("client_secret", 200);
        ctx.header("Cache-Control", "no-store");
        switch (grantType) {
            case "authorization_code" -> ctx.json(ApplicationJson.token(authorizationCode(p, clientId, clientSecret)));
            case "client_credentials" -> {
                OAuthStore.Application app = store.authenticateClient(clientId, clientSecret).orElseThrow(OAuthError::invalidClient);
                ctx.json(ApplicationJson.token(store.createToken(app.id(), null, requestedScopes(p, app))));
            }
            case "password" -> {
                OAuthStore.Application app = store.authenticateClient(clientId, clientSecret).orElseThrow(OAuthError::invalidClient);
                String scopes = requestedScopes(p, app);
                authenticator.chargeSignIn(ctx);
                String username = p.string("username", 320);
                String password = p.string("password", 1000);
                if (username == null || password == null) throw OAuthError.invalidRequest("The password grant needs username and password.");
                Outcome<Account> signedIn = accounts.signIn(username, password);
                if (!(signedIn instanceof Outcome.Ok<Account> ok)) {
                    throw OAuthError.invalidGrant("The provided authorization grant is invalid: invalid login or password.");
                }
                ctx.json(ApplicationJson.token(store.createToken(app.id(), ok.value().id(), scopes)));
            }
            default -> throw OAuthError.unsupportedGrantType(grantType.length() > 40 ? grantType.substring(0, 40) : grantType);
        }
    }

    private OAuthStore.NewToken authorizationCode(Params p, String clientId, String clientSecret) throws SQLException {
        String code = p.string("code", 200);
        if (code == null || code.isBlank()) throw OAuthError.invalidRequest("Missing required parameter: code.");
        OAuthStore.Application app;
        if (clientSecret != null && !clientSecret.isEmpty()) {
            app = store.authenticateClient(clientId, clientSecret).orElseThrow(OAuthError::invalidClient);
        } else {
            app = clientId == null ? null : store.applicationByClientId(clientId).orElse(null);
            if (app == null) throw OAuthError.invalidClient();
        }
        String verifier = p.string("code_verifier", 200);
        OAuthStore.AuthorizationCode grant = store.consumeAuthorizationCode(code)
                .orElseThrow(() -> OAuthError.invalidGrant("The authorization code is invalid, expired, or was already used."));
        if (grant.applicationId() != app.id()) throw OAuthError.invalidGrant("The authorization code was issued to another client.");
        String redirectUri = p.string("redirect_uri", 2048);
        if (redirectUri != null && !redirectUri.equals(grant.redirectUri())) {
            throw OAuthError.invalidGrant("The redirect_uri does not match the one of the authorization request.");
        }
        if (grant.codeChallenge() != null) {
            if (verifier == null || !VERIFIER.matcher(verifier).matches()) {
                throw OAuthError.invalidGrant("code_verifier is missing or malformed (43-128 characters of [A-Za-z0-9-._~]).");
            }
            if (!Secrets.constantTimeEquals(Secrets.s256Challenge(verifier).getBytes(StandardCharsets.US_ASCII),
                    grant.codeChallenge().getBytes(StandardCharsets.US_ASCII))) {
                throw OAuthError.invalidGrant("The code_verifier does not match the code_challenge.");
            }
        } else if (clientSecret == null || clientSecret.isEmpty()) {
            // Without PKCE a confidential client must prove itself with its secret.
            throw OAuthError.invalidClient();
        }
        return store.createToken(app.id(), grant.accountId(), grant.scopes());
    }

    private static String requestedScopes(Params p, OAuthStore.Application app) {
        String raw = p.string("scope", Scopes.MAX_SCOPES_CHARS);
        Set<String> scopes = Scopes.parse(raw);
        if (scopes == null) throw OAuthError.invalidScope("Unknown scopes: " + Scopes.unknown(raw));
        if (!Scopes.subset(scopes, Set.of(app.scopes().split(" ")))) {
            throw OAuthError.invalidScope("The requested scope '" + Scopes.format(scopes) + "' exceeds the application's scopes '" + app.scopes() + "'.");
        }
        return Scopes.format(scopes);
    }

    private void revoke(Context ctx) throws SQLException {
        Params p = Params.from(ctx, mapper);
        String[] basic = basicCredentials(ctx);
        String clientId = basic != null ? basic[0] : p.string("client_id", 200);
        String clientSecret = basic != null ? basic[1] : p.string("client_secret", 200);
        OAuthStore.Application app = store.authenticateClient(clientId, clientSecret).orElseThrow(OAuthError::invalidClient);
        String token = p.string("token", 512);
        if (token == null || token.isBlank()) throw OAuthError.invalidRequest("Missing required parameter: token.");
        store.revokeToken(token, app.id());
        ctx.json(Map.of());
    }

    /** client_id and client_secret from an HTTP Basic Authorization header (RFC 6749 2.3.1), or null. */
    private static String[] basicCredentials(Context ctx) {
        String h = ctx.header("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Basic ", 0, 6)) return null;
        try {
            String decoded = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) throw OAuthError.invalidRequest("Malformed Basic authorization header.");
            return new String[] {URLDecode(decoded.substring(0, colon)), URLDecode(decoded.substring(colon + 1))};
        } catch (IllegalArgumentException e) {
            throw OAuthError.invalidRequest("Malformed Basic authorization header.");
        }
    }

    private static String URLDecode(String s) {
        return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static void html(Context ctx, int status, String html) {
        ctx.status(status).contentType("text/html; charset=utf-8").header("Cache-Control", "no-store")
                .header("Content-Security-Policy", "default-src 'none'; form-action 'self'; frame-ancestors 'none'")
                .header("X-Frame-Options", "DENY").result(html);
    }

    private static void htmlError(Context ctx, int status, String message) {
        html(ctx, status, SignInPage.error(message));
    }
}
