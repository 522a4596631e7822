package dev.starling.server.accounts;

import static dev.starling.server.testing.Api.map;
import static dev.starling.server.testing.Users.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.server.testing.Api.Reply;
import dev.starling.server.testing.TestServer;
import dev.starling.server.testing.Users;
import dev.starling.server.testing.Users.User;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mastodon's source.privacy on a real server: shown by verify_credentials, set by
 * update_credentials (form and JSON, 422 naming a bad value), and used by POST /api/v1/statuses
 * when the status names no visibility.
 */
class DefaultVisibilityApiTest {
    static TestServer server;
    static Users users;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        users = new Users(server.api);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String privacy(User u) {
        Reply me = check(server.api.get("/api/v1/accounts/verify_credentials", u.token()), 200);
        return me.json().get("source").get("privacy").asText();
    }

    @Test
    void setByFormAndJsonAndShownToTheOwnerOnly() {
        User u = users.signUp("privacy_setter");
        assertEquals("public", privacy(u), "new accounts post publicly by default");
        Reply form = check(server.api.raw("PATCH", "/api/v1/accounts/update_credentials", u.token(), "application/x-www-form-urlencoded",
                dev.starling.server.testing.Api.form(map("source[privacy]", "unlisted"))), 200);
        assertEquals("unlisted", form.json().get("source").get("privacy").asText(), form.body());
        assertEquals("unlisted", privacy(u));
        Reply json = check(server.api.patchJson("/api/v1/accounts/update_credentials", u.token(),
                Map.of("source", Map.of("privacy", "private"))), 200);
        assertEquals("private", json.json().get("source").get("privacy").asText(), json.body());
        check(server.api.patchJson("/api/v1/accounts/update_credentials", u.token(), Map.of("display_name", "P")), 200);
        assertEquals("private", privacy(u), "other changes leave it alone");
        Reply other = check(server.api.get("/api/v1/accounts/" + u.id(), null), 200);
        assertTrue(!other.json().has("source"), other.body());
    }

    @Test
    void badValuesAreA422NamingTheParameterAndTheValue() {
        User u = users.signUp("privacy_bad");
        for (String bad : List.of("direct", "everyone", "")) {
            for (Reply r : List.of(
                    server.api.raw("PATCH", "/api/v1/accounts/update_credentials", u.token(), "application/x-www-form-urlencoded",
                            dev.starling.server.testing.Api.form(map("source[privacy]", bad))),
                    server.api.patchJson("/api/v1/accounts/update_credentials", u.token(), Map.of("source", Map.of("privacy", bad))))) {
                assertEquals(422, r.status(), r.body());
                String error = r.json().get("error").asText();
                assertTrue(error.contains("source[privacy]") && error.contains("\"" + bad + "\""), r.body());
            }
        }
        assertEquals("public", privacy(u), "nothing changed");
    }

    @Test
    void statusesWithoutVisibilityUseTheDefault() {
        User u = users.signUp("privacy_poster");
        Reply first = check(server.api.postJson("/api/v1/statuses", u.token(), Map.of("status", "out in the open")), 200);
        assertEquals("public", first.json().get("visibility").asText(), first.body());
        check(server.api.patchJson("/api/v1/accounts/update_credentials", u.token(), Map.of("source", Map.of("privacy", "private"))), 200);
        Reply defaulted = check(server.api.postJson("/api/v1/statuses", u.token(), Map.of("status", "followers only by default")), 200);
        assertEquals("private", defaulted.json().get("visibility").asText(), defaulted.body());
        Reply emptyIsDefault = check(server.api.postForm("/api/v1/statuses", u.token(), map("status", "form post", "visibility", "")), 200);
        assertEquals("private", emptyIsDefault.json().get("visibility").asText(), emptyIsDefault.body());
        Reply explicit = check(server.api.postJson("/api/v1/statuses", u.token(), Map.of("status", "this one is public", "visibility", "public")), 200);
        assertEquals("public", explicit.json().get("visibility").asText(), explicit.body());
        // The default really hides the post: an anonymous reader cannot fetch it.
        Reply anon = server.api.get("/api/v1/statuses/" + defaulted.json().get("id").asText(), null);
        assertEquals(404, anon.status(), anon.body());
    }
}
