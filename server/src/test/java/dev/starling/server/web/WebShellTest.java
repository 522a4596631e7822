package dev.starling.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.server.testing.TestServer;
import dev.starling.server.web.session.WebSessions;
import dev.starling.server.web.shell.SecurityHeaders;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The web shell on a real server: headers, assets, sessions and CSRF. */
class WebShellTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void pagesCarryTheStrictCspAndTheLayoutLandmarks() {
        Browser b = new Browser(server.baseUrl());
        Browser.Page home = b.get("/");
        assertEquals(200, home.status());
        assertEquals(SecurityHeaders.CSP, home.header("Content-Security-Policy"));
        assertEquals("nosniff", home.header("X-Content-Type-Options"));
        assertEquals("DENY", home.header("X-Frame-Options"));
        assertTrue(home.body().contains("<main id=\"main\""), "main landmark");
        assertTrue(home.body().contains("href=\"#main\""), "skip link");
        for (String id : List.of("nav-home", "nav-explore", "nav-search", "nav-ask", "nav-notifications", "nav-profile", "nav-settings")) {
            assertTrue(home.body().contains("id=\"" + id + "\""), id);
        }
        assertFalse(Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE).matcher(home.body()).find(), "inline script");
        assertFalse(home.body().contains("style="), "inline style");
    }

    @Test
    void browsersGetAPageForUnknownAddressesAndApiClientsJson() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var html = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUrl() + "/no/such/page"))
                .header("Accept", "text/html,application/xhtml+xml").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(404, html.statusCode());
        assertTrue(html.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), html.body());
        assertTrue(html.body().contains("There is no page at this address."), html.body());
        assertEquals(SecurityHeaders.CSP, html.headers().firstValue("Content-Security-Policy").orElse(null));
        var json = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUrl() + "/no/such/page")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(404, json.statusCode());
        assertTrue(json.body().contains("\"error\""), json.body());
        var api = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUrl() + "/api/v1/statuses/999999"))
                .header("Accept", "text/html").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(404, api.statusCode());
        assertTrue(api.body().contains("\"error\""), "the API keeps its JSON: " + api.body());
    }

    @Test
    void assetsAreVersionedAndImmutable() {
        Browser b = new Browser(server.baseUrl());
        String body = b.get("/").body();
        Matcher css = Pattern.compile("href=\"(/static/([0-9a-f]{16})/app\\.css)\"").matcher(body);
        assertTrue(css.find(), body);
        Browser.Page asset = b.get(css.group(1));
        assertEquals(200, asset.status());
        assertEquals("public, max-age=31536000, immutable", asset.header("Cache-Control"));
        assertTrue(asset.header("Content-Type").startsWith("text/css"));
        Matcher js = Pattern.compile("src=\"(/static/[0-9a-f]{16}/app\\.js)\"").matcher(body);
        assertTrue(js.find());
        assertTrue(b.get(js.group(1)).header("Content-Type").startsWith("text/javascript"));
        assertEquals(404, b.get("/static/0000000000000000/app.css").status(), "another version is not served");
        assertEquals(404, b.get("/static/" + css.group(2) + "/../app.css").status());
    }

    @Test
    void signUpStartsAnHttpOnlyLaxSessionAndSignOutRevokesIt() {
        Browser b = new Browser(server.baseUrl());
        Browser.Page signedUp = b.signUp("shellann");
        assertEquals(303, signedUp.status(), signedUp.body());
        String setCookie = signedUp.headers("Set-Cookie").stream().filter(c -> c.startsWith("starling_session=")).findFirst().orElseThrow();
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.contains("SameSite=Lax"), setCookie);
        assertFalse(setCookie.contains("Secure"), "plain http gets no Secure flag: " + setCookie);
        String secret = b.cookie("starling_session");
        assertTrue(secret.length() >= 43, "256-bit secret");
        Browser.Page home = b.get("/");
        assertTrue(home.body().contains("@shellann"), "signed in");
        String tokenWhileSignedIn = b.csrf;

        Browser.Page out = b.post("/sign_out", Map.of());
        assertEquals(303, out.status());
        assertTrue(server.starling().web().sessions().find(secret).isEmpty(), "revoked in the database");
        // replaying the old cookie and token gets nothing
        Browser replay = new Browser(server.baseUrl());
        replay.cookies.getCookieStore().add(java.net.URI.create(server.baseUrl()), new java.net.HttpCookie("starling_session", secret));
        assertFalse(replay.get("/").body().contains("@shellann"));
        replay.csrf = tokenWhileSignedIn;
        Browser.Page again = replay.post("/sign_out", Map.of());
        assertEquals(303, again.status(), "signing out of a dead session just forgets the cookie");
        assertTrue(again.headers("Set-Cookie").stream().anyMatch(c -> c.startsWith("starling_session=;") && c.contains("Max-Age=0")), again.headers("Set-Cookie").toString());
    }

    @Test
    void secureFlagBehindATlsProxy() {
        Browser b = new Browser(server.baseUrl());
        b.get("/sign_up");
        Browser.Page r = b.postRaw("/sign_up", Map.of("csrf_token", b.csrf, "username", "shelltls", "email", "tls@example.org",
                "password", "correct horse shelltls", "agreement", "true"), Map.of("X-Forwarded-Proto", "https"));
        assertEquals(303, r.status(), r.body());
        String setCookie = r.headers("Set-Cookie").stream().filter(c -> c.startsWith("starling_session=")).findFirst().orElseThrow();
        assertTrue(setCookie.contains("Secure"), setCookie);
    }

    @Test
    void formsWithoutOrWithTheWrongCsrfTokenAre403() {
        Browser b = new Browser(server.baseUrl());
        b.get("/sign_up");
        Map<String, String> fields = Map.of("username", "shellcsrf", "email", "c@example.org", "password", "correct horse shellcsrf", "agreement", "true");
        assertEquals(403, b.postRaw("/sign_up", fields, Map.of()).status(), "missing token");
        java.util.Map<String, String> wrong = new java.util.HashMap<>(fields);
        wrong.put("csrf_token", "A".repeat(43));
        assertEquals(403, b.postRaw("/sign_up", wrong, Map.of()).status(), "wrong token");
        assertTrue(server.starling().social().accounts().byUsername("shellcsrf").isEmpty());
        assertEquals(303, b.post("/sign_up", fields).status(), "right token");
        assertNotNull(b.cookie("starling_session"));
        // a state-changing fetch needs the token in X-CSRF-Token: missing or wrong is refused before anything happens
        b.get("/");
        b.post("/posts", Map.of("text", "csrf target", "visibility", "public"));
        Matcher post = Pattern.compile("data-post-id=\"(\\d+)\"").matcher(b.get("/").body());
        assertTrue(post.find());
        String like = "/posts/" + post.group(1) + "/like";
        assertEquals(403, b.postRaw(like, Map.of(), Map.of("X-Starling-Fragment", "post")).status(), "fetch without token");
        assertEquals(403, b.postRaw(like, Map.of(), Map.of("X-CSRF-Token", "B".repeat(43), "X-Starling-Fragment", "post")).status(), "fetch with a wrong token");
        assertEquals(403, b.postRaw(like, Map.of(), Map.of("X-CSRF-Token", b.csrf, "Sec-Fetch-Site", "cross-site")).status(), "cross-site");
        assertTrue(b.get("/").body().contains("aria-pressed=\"false\""), "nothing was liked");
        assertEquals(200, b.postRaw(like, Map.of(), Map.of("X-CSRF-Token", b.csrf, "X-Starling-Fragment", "post")).status(), "the right token");
        // a signed-in session needs its own token: the anonymous one no longer works
        Browser.Page out = b.postRaw("/sign_out", Map.of("csrf_token", "A".repeat(43)), Map.of());
        assertEquals(403, out.status());
        assertTrue(out.body().contains("CSRF"), out.body());
    }

    @Test
    void passwordChangeEndsEverySession() {
        Browser b = new Browser(server.baseUrl());
        b.signUp("shellpw");
        String secret = b.cookie("starling_session");
        var sessions = server.starling().web().sessions();
        long id = sessions.find(secret).orElseThrow().accountId();
        assertTrue(server.starling().social().accounts().setPassword(id, "another horse battery").isOk());
        assertTrue(sessions.find(secret).isEmpty(), "a password change anywhere ends the session");
        assertFalse(b.get("/").body().contains("@shellpw"));
        b.get("/sign_in");
        assertEquals(303, b.post("/sign_in", Map.of("login", "shellpw", "password", "another horse battery")).status());
        assertNotNull(sessions.find(b.cookie("starling_session")).orElse(null));
        assertEquals(1, sessions.revokeAll(id));
        assertNull(sessions.find(b.cookie("starling_session")).orElse(null));
        assertEquals(30, WebSessions.LIFETIME.toDays());
    }

    @Test
    void anAccountHoldsABoundedNumberOfLiveSessions() {
        var social = server.starling().social();
        long id = social.accounts().createWithoutPassword("shellmany", "many@example.org", null, false).orThrow().id();
        var sessions = server.starling().web().sessions();
        String first = sessions.create(id, "ua");
        String second = sessions.create(id, "ua");
        java.util.List<String> more = new java.util.ArrayList<>();
        for (int i = 0; i < WebSessions.MAX_LIVE_SESSIONS_PER_ACCOUNT - 1; i++) more.add(sessions.create(id, "ua"));
        assertTrue(sessions.find(first).isEmpty(), "the oldest ended when the cap was passed");
        assertTrue(sessions.find(second).isPresent());
        for (String s : more) assertTrue(sessions.find(s).isPresent());
        assertEquals(WebSessions.MAX_LIVE_SESSIONS_PER_ACCOUNT, sessions.revokeAll(id));
    }

    @Test
    void wrongPasswordSaysSoWithoutRevealingTheAccount() {
        Browser b = new Browser(server.baseUrl());
        b.signUp("shellwrong");
        Browser c = new Browser(server.baseUrl());
        c.get("/sign_in");
        Browser.Page bad = c.post("/sign_in", Map.of("login", "shellwrong", "password", "not the password!!"));
        Browser.Page missing = c.post("/sign_in", Map.of("login", "nobody_here", "password", "not the password!!"));
        assertEquals(401, bad.status());
        assertEquals(401, missing.status());
        assertTrue(bad.body().contains("do not match"));
        assertNull(c.cookie("starling_session"));
    }

    @Test
    void returnToOnlyLeadsToLocalPaths() {
        Browser b = new Browser(server.baseUrl());
        b.signUp("shellret");
        b.post("/sign_out", Map.of());
        b.get("/sign_in");
        assertEquals("/", b.post("/sign_in", Map.of("login", "shellret", "password", "correct horse shellret", "return_to", "//evil.example/x")).location());
        b.post("/sign_out", Map.of());
        b.get("/sign_in");
        assertEquals("/notifications", b.post("/sign_in", Map.of("login", "shellret", "password", "correct horse shellret", "return_to", "/notifications")).location());
    }
}
