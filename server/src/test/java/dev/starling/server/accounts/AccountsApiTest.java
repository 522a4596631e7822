package dev.starling.server.accounts;

import static dev.starling.server.testing.Api.map;
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

class AccountsApiTest {
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

    @Test
    void signUpValidatesAndRefusesTakenNames() {
        User carol = users.signUp("carol");
        Reply taken = server.api.postForm("/api/v1/accounts", users.appToken(), map("username", "Carol", "email", "c2@example.test",
                "password", Users.PASSWORD, "agreement", "true"));
        assertEquals(422, taken.status(), taken.body());
        assertTrue(taken.json().get("details").has("username"), taken.body());
        Reply shortPassword = server.api.postForm("/api/v1/accounts", users.appToken(), map("username", "dave", "email", "d@example.test",
                "password", "short", "agreement", "true"));
        assertEquals(422, shortPassword.status());
        assertTrue(shortPassword.json().get("details").has("password"), shortPassword.body());
        Reply noAgreement = server.api.postForm("/api/v1/accounts", users.appToken(), map("username", "dave", "email", "d@example.test",
                "password", Users.PASSWORD));
        assertEquals(422, noAgreement.status());
        Reply userToken = server.api.postForm("/api/v1/accounts", carol.token(), map("username", "dave", "email", "d@example.test",
                "password", Users.PASSWORD, "agreement", "true"));
        assertEquals(403, userToken.status(), "sign-up needs an app token");
        assertEquals(401, server.api.postForm("/api/v1/accounts", null, map("username", "dave")).status());
    }

    @Test
    void profileLookupAndUpdate() {
        User erin = users.signUp("erin");
        Reply me = check(server.api.get("/api/v1/accounts/verify_credentials", erin.token()), 200);
        assertEquals("erin", me.json().get("username").asText());
        assertTrue(me.json().has("source"));
        Reply updated = check(server.api.patchJson("/api/v1/accounts/update_credentials", erin.token(),
                Map.of("display_name", "Erin E.", "note", "I like <tags> & #birds", "locked", true)), 200);
        assertEquals("Erin E.", updated.json().get("display_name").asText());
        assertTrue(updated.json().get("locked").asBoolean());
        assertTrue(updated.json().get("note").asText().contains("&lt;tags&gt; &amp; "), updated.body());
        assertEquals("I like <tags> & #birds", updated.json().get("source").get("note").asText());
        Reply looked = check(server.api.get("/api/v1/accounts/lookup?acct=ERIN", null), 200);
        assertEquals(erin.id(), looked.json().get("id").asText());
        assertFalse(looked.json().has("source"), "others never see source (email, plain note)");
        assertFalse(looked.body().contains("example.test"), "email is private");
        assertEquals(404, server.api.get("/api/v1/accounts/lookup?acct=nobody", null).status());
        assertEquals(404, server.api.get("/api/v1/accounts/lookup?acct=erin@elsewhere.example", null).status());
        check(server.api.get("/api/v1/accounts/lookup?acct=@erin@127.0.0.1", null), 200);
        Reply account = check(server.api.get("/api/v1/accounts/" + erin.id(), null), 200);
        Reply avatar = server.api.get(account.json().get("avatar").asText(), null);
        assertEquals(200, avatar.status(), "the default avatar exists");
        assertTrue(avatar.header("Content-Type").startsWith("image/png"), avatar.header("Content-Type"));
        assertEquals(404, server.api.get("/api/v1/accounts/123", null).status());
    }

    @Test
    void followsRequestsBlocksMutesAndRelationships() {
        User fay = users.signUp("fay");
        User gus = users.signUp("gus");
        check(server.api.patchJson("/api/v1/accounts/update_credentials", fay.token(), Map.of("locked", true)), 200);
        Reply requested = check(server.api.postForm("/api/v1/accounts/" + fay.id() + "/follow", gus.token(), map()), 200);
        assertTrue(requested.json().get("requested").asBoolean());
        assertFalse(requested.json().get("following").asBoolean());
        assertEquals(1, check(server.api.get("/api/v1/accounts/verify_credentials", fay.token()), 200).json().get("source")
                .get("follow_requests_count").asInt());
        Reply requests = check(server.api.get("/api/v1/follow_requests", fay.token()), 200);
        assertEquals(gus.id(), requests.json().get(0).get("id").asText());
        Reply authorized = check(server.api.postForm("/api/v1/follow_requests/" + gus.id() + "/authorize", fay.token(), map()), 200);
        assertTrue(authorized.json().get("followed_by").asBoolean());
        Reply rel = check(server.api.get("/api/v1/accounts/relationships?id[]=" + fay.id() + "&id[]=" + gus.id(), gus.token()), 200);
        assertEquals(2, rel.json().size());
        assertTrue(rel.json().get(0).get("following").asBoolean());
        Reply followers = check(server.api.get("/api/v1/accounts/" + fay.id() + "/followers", null), 200);
        assertEquals("gus", followers.json().get(0).get("username").asText());
        Reply following = check(server.api.get("/api/v1/accounts/" + gus.id() + "/following", null), 200);
        assertEquals("fay", following.json().get(0).get("username").asText());

        Reply blocked = check(server.api.postForm("/api/v1/accounts/" + gus.id() + "/block", fay.token(), map()), 200);
        assertTrue(blocked.json().get("blocking").asBoolean());
        assertFalse(blocked.json().get("followed_by").asBoolean(), "a block removes follows both ways");
        assertEquals(gus.id(), check(server.api.get("/api/v1/blocks", fay.token()), 200).json().get(0).get("id").asText());
        check(server.api.postForm("/api/v1/accounts/" + gus.id() + "/unblock", fay.token(), map()), 200);
        Reply muted = check(server.api.postForm("/api/v1/accounts/" + fay.id() + "/mute", gus.token(), map()), 200);
        assertTrue(muted.json().get("muting").asBoolean());
        assertEquals(fay.id(), check(server.api.get("/api/v1/mutes", gus.token()), 200).json().get(0).get("id").asText());
        check(server.api.postForm("/api/v1/accounts/" + fay.id() + "/unmute", gus.token(), map()), 200);
        assertEquals(403, server.api.postForm("/api/v1/accounts/" + fay.id() + "/follow", fay.token(), map()).status());
        assertEquals(404, server.api.postForm("/api/v1/accounts/42/follow", fay.token(), map()).status());
    }

    @Test
    void passwordChangeRevokesEveryToken() {
        User hal = users.signUp("hal");
        Reply changed = check(server.api.postForm("/api/v1/starling/change_password", hal.token(),
                map("current_password", Users.PASSWORD, "password", "a brand new long password")), 200);
        assertEquals(1, changed.json().get("revoked_tokens").asInt());
        assertEquals(401, server.api.get("/api/v1/accounts/verify_credentials", hal.token()).status());
    }
}
