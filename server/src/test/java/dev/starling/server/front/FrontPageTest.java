package dev.starling.server.front;

import static dev.starling.server.testing.Users.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.server.testing.Api.Reply;
import dev.starling.server.testing.TestServer;
import dev.starling.server.testing.Users;
import dev.starling.server.testing.Users.User;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The page at {@code /} on a real server: public posts only, escaped, with a strict CSP. */
class FrontPageTest {
    static TestServer server;
    static User ann;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        ann = new Users(server.api).signUp("ann");
        check(server.api.postJson("/api/v1/statuses", ann.token(),
                Map.of("status", "hello <script>alert(1)</script> #frontpage")), 200);
        check(server.api.postJson("/api/v1/statuses", ann.token(),
                Map.of("status", "followers only canary-7f3a", "visibility", "private")), 200);
        check(server.api.postJson("/api/v1/statuses", ann.token(),
                Map.of("status", "direct canary-91bc", "visibility", "direct")), 200);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void showsPublicPostsEscapedAndHidesPrivateOnes() {
        Reply r = check(server.api.get("/", null), 200);
        assertTrue(r.header("Content-Type").startsWith("text/html"), r.header("Content-Type"));
        assertEquals(FrontPage.CSP, r.header("Content-Security-Policy"));
        assertTrue(r.body().contains("hello &lt;script&gt;alert(1)&lt;/script&gt;"), r.body());
        assertFalse(r.body().contains("<script>"), "unescaped script tag in " + r.body());
        assertTrue(r.body().contains("/tags/frontpage"), "hashtag link missing");
        assertFalse(r.body().contains("canary-7f3a"), "a followers-only post reached the public front page");
        assertFalse(r.body().contains("canary-91bc"), "a direct post reached the public front page");
        assertTrue(r.body().contains("href=\"/auth/sign_up\""));
    }
}
