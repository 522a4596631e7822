package dev.starling.server.ratelimit;

import static dev.starling.server.testing.Api.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.server.testing.Api.Reply;
import dev.starling.server.testing.TestServer;
import dev.starling.server.testing.Users;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rate limits on a real server with small budgets: 429 with X-RateLimit-* headers, per token, per IP, sign-in, sign-up. */
class RateLimitApiTest {
    static TestServer server;
    static final int PER_TOKEN = 40;
    static final int PER_IP = 60;
    static final int SIGN_IN = 3;
    static final int SIGN_UP = 2;

    @BeforeAll
    static void start() {
        Duration w = Duration.ofMinutes(5);
        server = TestServer.start(new RateLimits(new RateLimits.Budget(PER_TOKEN, w), new RateLimits.Budget(PER_IP, w),
                new RateLimits.Budget(SIGN_IN, w), new RateLimits.Budget(SIGN_UP, Duration.ofMinutes(30)), true), List.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static void assertLimited(Reply r, int limit) {
        assertEquals(429, r.status(), r.body());
        assertEquals("Too many requests", r.json().get("error").asText());
        assertEquals(Integer.toString(limit), r.header("X-RateLimit-Limit"));
        assertEquals("0", r.header("X-RateLimit-Remaining"));
        assertTrue(Instant.parse(r.header("X-RateLimit-Reset")).isAfter(Instant.now().minusSeconds(1)), r.header("X-RateLimit-Reset"));
        assertNotNull(r.header("Retry-After"));
    }

    @Test
    void tokensAndSignUpsAndSignInsHaveTheirOwnBudgets() {
        Users users = new Users(server.api); // 2 unauthenticated + 1 app-token request
        Users.User u1 = users.signUp("limited1");
        users.signUp("limited2");
        Reply thirdSignUp = server.api.postForm("/api/v1/accounts", users.appToken(), map("username", "limited3", "email", "l3@example.test",
                "password", Users.PASSWORD, "agreement", "true"));
        assertLimited(thirdSignUp, SIGN_UP);

        // per token: the X-RateLimit headers count down on every response
        Reply first = server.api.get("/api/v1/accounts/verify_credentials", u1.token());
        int remaining = Integer.parseInt(first.header("X-RateLimit-Remaining"));
        assertEquals(Integer.toString(PER_TOKEN), first.header("X-RateLimit-Limit"));
        for (int i = 0; i < remaining; i++) assertEquals(200, server.api.get("/api/v1/accounts/verify_credentials", u1.token()).status());
        assertLimited(server.api.get("/api/v1/accounts/verify_credentials", u1.token()), PER_TOKEN);

        // sign-in: the password grant has its own small budget per IP
        Reply app = server.api.postForm("/api/v1/apps", null, map("client_name", "x", "redirect_uris", "urn:ietf:wg:oauth:2.0:oob"));
        String id = app.json().get("client_id").asText();
        String secret = app.json().get("client_secret").asText();
        for (int i = 0; i < SIGN_IN; i++) {
            Reply r = server.api.postForm("/oauth/token", null, map("grant_type", "password", "client_id", id, "client_secret", secret,
                    "username", "limited1", "password", "wrong password " + i));
            assertEquals(400, r.status(), r.body());
        }
        Reply blocked = server.api.postForm("/oauth/token", null, map("grant_type", "password", "client_id", id, "client_secret", secret,
                "username", "limited1", "password", Users.PASSWORD));
        assertLimited(blocked, SIGN_IN);

        // unauthenticated: per IP
        Reply r;
        int n = 0;
        do {
            r = server.api.get("/api/v1/instance", null);
            n++;
        } while (r.status() == 200 && n <= PER_IP + 1);
        assertLimited(r, PER_IP);
        assertEquals(200, server.api.get("/health", null).status(), "health is never limited");
    }
}
