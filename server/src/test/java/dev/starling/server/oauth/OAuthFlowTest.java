package dev.starling.server.oauth;

import static dev.starling.server.testing.Api.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.server.testing.Api.Reply;
import dev.starling.server.testing.TestServer;
import dev.starling.social.accounts.SignUp;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OAuthFlowTest {
    static TestServer server;
    static final String PASSWORD = "correct horse battery staple";

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.starling().social().accounts().signUp(new SignUp("alice", "alice@example.test", PASSWORD)).orThrow();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Reply createApp(String redirect, String scopes) {
        Reply r = server.api.postForm("/api/v1/apps", null, map("client_name", "test app", "redirect_uris", redirect, "scopes", scopes));
        assertEquals(200, r.status(), r.body());
        return r;
    }

    @Test
    void registersAnAppAndVerifiesItWithAnAppToken() {
        Reply app = createApp("urn:ietf:wg:oauth:2.0:oob", "read write follow");
        assertEquals("test app", app.json().get("name").asText());
        assertTrue(app.json().get("client_secret").asText().length() >= 43, "client secret has >= 256 bits");
        Reply token = server.api.postForm("/oauth/token", null, map("grant_type", "client_credentials",
                "client_id", app.json().get("client_id").asText(), "client_secret", app.json().get("client_secret").asText(), "scope", "read"));
        assertEquals(200, token.status(), token.body());
        assertEquals("Bearer", token.json().get("token_type").asText());
        assertTrue(token.json().get("created_at").isNumber());
        Reply verified = server.api.get("/api/v1/apps/verify_credentials", token.json().get("access_token").asText());
        assertEquals(200, verified.status(), verified.body());
        assertEquals("test app", verified.json().get("name").asText());
        assertTrue(verified.json().get("client_secret") == null, "verify_credentials never shows the secret");
    }

    @Test
    void passwordGrantSignsInAndNeverRevealsWhetherAnAccountExists() {
        Reply app = createApp("urn:ietf:wg:oauth:2.0:oob", "read write");
        String id = app.json().get("client_id").asText();
        String secret = app.json().get("client_secret").asText();
        Reply ok = server.api.postForm("/oauth/token", null, map("grant_type", "password", "client_id", id, "client_secret", secret,
                "username", "alice", "password", PASSWORD, "scope", "read write"));
        assertEquals(200, ok.status(), ok.body());
        assertEquals("read write", ok.json().get("scope").asText());
        Reply wrongPassword = server.api.postForm("/oauth/token", null, map("grant_type", "password", "client_id", id, "client_secret", secret,
                "username", "alice", "password", "not the password!!"));
        Reply noSuchUser = server.api.postForm("/oauth/token", null, map("grant_type", "password", "client_id", id, "client_secret", secret,
                "username", "nobody_here", "password", "not the password!!"));
        assertEquals(400, wrongPassword.status());
        assertEquals(wrongPassword.body(), noSuchUser.body(), "same answer whether or not the account exists");
        assertEquals("invalid_grant", wrongPassword.json().get("error").asText());
        Reply badClient = server.api.postForm("/oauth/token", null, map("grant_type", "password", "client_id", id, "client_secret", "nope",
                "username", "alice", "password", PASSWORD));
        assertEquals(401, badClient.status());
        assertEquals("invalid_client", badClient.json().get("error").asText());
        Reply tooWide = server.api.postForm("/oauth/token", null, map("grant_type", "password", "client_id", id, "client_secret", secret,
                "username", "alice", "password", PASSWORD, "scope", "read write follow"));
        assertEquals(400, tooWide.status());
        assertEquals("invalid_scope", tooWide.json().get("error").asText());
        Reply unknownGrant = server.api.postForm("/oauth/token", null, map("grant_type", "implicit", "client_id", id, "client_secret", secret));
        assertEquals("unsupported_grant_type", unknownGrant.json().get("error").asText());
    }

    @Test
    void authorizationCodeWithPkceAndRevocation() {
        String redirect = "https://client.example/callback";
        Reply app = createApp(redirect, "read write");
        String id = app.json().get("client_id").asText();
        String secret = app.json().get("client_secret").asText();
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String challenge = Secrets.s256Challenge(verifier);

        String query = "?response_type=code&client_id=" + id + "&redirect_uri=" + redirect + "&scope=read+write&state=xyz&code_challenge="
                + challenge + "&code_challenge_method=S256";
        Reply form = server.api.get("/oauth/authorize" + query, null);
        assertEquals(200, form.status(), form.body());
        assertTrue(form.body().contains("<form method=\"post\" action=\"/oauth/authorize\">"), form.body());

        var fields = map("response_type", "code", "client_id", id, "redirect_uri", redirect, "scope", "read write", "state", "xyz",
                "code_challenge", challenge, "code_challenge_method", "S256", "login", "alice", "password", PASSWORD);
        Reply forged = server.api.postForm("/oauth/authorize", null, fields);
        assertEquals(403, forged.status(), "a sign-in form not served by us (no CSRF token) is refused");

        fields.put("password", "wrong password!!");
        Reply denied = submit(form, fields);
        assertEquals(401, denied.status());
        assertTrue(denied.body().contains("Invalid login or password."));

        fields.put("login", "alice@example.test");
        fields.put("password", PASSWORD);
        Reply redirected = submit(form, fields);
        assertEquals(302, redirected.status(), redirected.body());
        URI location = URI.create(redirected.header("Location"));
        assertTrue(location.toString().startsWith(redirect + "?code="), location.toString());
        assertTrue(location.getQuery().endsWith("&state=xyz"));
        String code = location.getQuery().replaceAll("^code=([^&]+).*$", "$1");

        Reply wrongVerifier = server.api.postForm("/oauth/token", null, map("grant_type", "authorization_code", "client_id", id,
                "redirect_uri", redirect, "code", code, "code_verifier", verifier.substring(1) + "A"));
        assertEquals(400, wrongVerifier.status(), wrongVerifier.body());
        assertEquals("invalid_grant", wrongVerifier.json().get("error").asText());

        // the failed exchange consumed the code; sign in again for a fresh one
        Reply again = submit(server.api.get("/oauth/authorize" + query, null), fields);
        String code2 = URI.create(again.header("Location")).getQuery().replaceAll("^code=([^&]+).*$", "$1");
        Reply token = server.api.postForm("/oauth/token", null, map("grant_type", "authorization_code", "client_id", id,
                "redirect_uri", redirect, "code", code2, "code_verifier", verifier));
        assertEquals(200, token.status(), token.body());
        String access = token.json().get("access_token").asText();
        assertNotNull(access);
        Reply reuse = server.api.postForm("/oauth/token", null, map("grant_type", "authorization_code", "client_id", id,
                "redirect_uri", redirect, "code", code2, "code_verifier", verifier));
        assertEquals(400, reuse.status(), "a code is single-use");

        assertEquals(200, server.api.get("/api/v1/apps/verify_credentials", access).status());
        Reply revoked = server.api.postForm("/oauth/revoke", null, map("client_id", id, "client_secret", secret, "token", access));
        assertEquals(200, revoked.status(), revoked.body());
        Reply after = server.api.get("/api/v1/apps/verify_credentials", access);
        assertEquals(401, after.status());
        assertNotNull(after.header("WWW-Authenticate"));
        assertEquals("The access token is invalid", after.json().get("error").asText());
    }

    /** Posts the sign-in form as a browser would: with the CSRF field of the served form and its cookie. */
    static Reply submit(Reply form, java.util.Map<String, String> fields) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"csrf_token\" value=\"([^\"]+)\"").matcher(form.body());
        assertTrue(m.find(), "the form carries a CSRF token");
        String cookie = form.header("Set-Cookie").split(";")[0];
        var withToken = new java.util.LinkedHashMap<>(fields);
        withToken.put("csrf_token", m.group(1));
        return server.api.send(java.net.http.HttpRequest.newBuilder(URI.create(server.baseUrl() + "/oauth/authorize"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookie)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(dev.starling.server.testing.Api.form(withToken))).build());
    }

    @Test
    void aPersonCanSignUpFromTheSignInFormAndThenAuthorize() {
        String redirect = "https://client.example/after-sign-up";
        Reply app = createApp(redirect, "read write");
        String id = app.json().get("client_id").asText();
        Reply signIn = server.api.get("/oauth/authorize?response_type=code&client_id=" + id + "&redirect_uri=" + redirect + "&scope=read", null);
        java.util.regex.Matcher link = java.util.regex.Pattern.compile("href=\"(/auth/sign_up\\?return_to=[^\"]+)\"").matcher(signIn.body());
        assertTrue(link.find(), signIn.body());
        Reply form = server.api.get(link.group(1).replace("&amp;", "&"), null);
        assertEquals(200, form.status());
        java.util.regex.Matcher back = java.util.regex.Pattern.compile("name=\"return_to\" value=\"([^\"]+)\"").matcher(form.body());
        assertTrue(back.find(), form.body());
        String returnTo = back.group(1).replace("&amp;", "&");
        assertTrue(returnTo.startsWith("/oauth/authorize?"), returnTo);

        var fields = map("return_to", returnTo, "username", "newcomer", "email", "newcomer@example.test", "password", "short", "agreement", "true");
        assertEquals(403, server.api.postForm("/auth/sign_up", null, fields).status(), "no CSRF token, no account");
        Reply tooShort = submitTo("/auth/sign_up", form, fields);
        assertEquals(422, tooShort.status());
        assertTrue(tooShort.body().contains("too short"), tooShort.body());
        fields.put("password", PASSWORD);
        Reply welcome = submitTo("/auth/sign_up", form, fields);
        assertEquals(200, welcome.status(), welcome.body());
        assertTrue(welcome.body().contains("Continue to sign in"), welcome.body());

        Reply authorize = server.api.get(returnTo, null);
        var login = map("response_type", "code", "client_id", id, "redirect_uri", redirect, "scope", "read", "login", "newcomer", "password", PASSWORD);
        Reply redirected = submit(authorize, login);
        assertEquals(302, redirected.status(), redirected.body());

        Reply evil = server.api.get("/auth/sign_up?return_to=https://evil.example/", null);
        assertTrue(!evil.body().contains("evil.example"), "return_to never leads elsewhere");
    }

    static Reply submitTo(String path, Reply form, java.util.Map<String, String> fields) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"csrf_token\" value=\"([^\"]+)\"").matcher(form.body());
        assertTrue(m.find(), "the form carries a CSRF token");
        String cookie = form.header("Set-Cookie").split(";")[0];
        var withToken = new java.util.LinkedHashMap<>(fields);
        withToken.put("csrf_token", m.group(1));
        return server.api.send(java.net.http.HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookie)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(dev.starling.server.testing.Api.form(withToken))).build());
    }

    @Test
    void authorizeRejectsPlainPkceAndForeignRedirects() {
        Reply app = createApp("https://client.example/cb", "read");
        String id = app.json().get("client_id").asText();
        Reply plain = server.api.get("/oauth/authorize?response_type=code&client_id=" + id
                + "&redirect_uri=https://client.example/cb&code_challenge=abc&code_challenge_method=plain", null);
        assertEquals(400, plain.status());
        Reply foreign = server.api.get("/oauth/authorize?response_type=code&client_id=" + id + "&redirect_uri=https://evil.example/cb", null);
        assertEquals(400, foreign.status());
        assertTrue(foreign.body().contains("redirect_uri"));
    }
}
