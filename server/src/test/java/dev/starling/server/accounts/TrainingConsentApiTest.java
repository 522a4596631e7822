package dev.starling.server.accounts;

import static dev.starling.server.testing.Api.map;
import static dev.starling.server.testing.Users.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.server.ServerOptions;
import dev.starling.server.Starling;
import dev.starling.server.testing.Api;
import dev.starling.server.testing.Api.Reply;
import dev.starling.server.testing.TestServer;
import dev.starling.server.testing.Users;
import dev.starling.server.testing.Users.User;
import dev.starling.social.Social;
import dev.starling.social.accounts.Role;
import dev.starling.social.db.Database;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Training consent and roles through the API, on real servers: one with the default
 * configuration (opt-in), one whose operator made consent the default for new accounts.
 */
class TrainingConsentApiTest {
    static TestServer server;
    static Users users;
    static Database optOutDb;
    static Starling optOut;
    static Api optOutApi;
    static Users optOutUsers;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        users = new Users(server.api);
        optOutDb = TestServer.freshDatabase();
        Social social = Social.create(optOutDb, Social.Settings.defaults().withTrainingConsentDefault(true));
        optOut = Starling.start(social, ServerOptions.defaults().withPort(0).withRateLimits(TestServer.generousLimits()), List.of());
        optOutApi = new Api("http://127.0.0.1:" + optOut.port());
        optOutUsers = new Users(optOutApi);
    }

    @AfterAll
    static void stop() {
        server.close();
        try {
            optOut.close();
        } finally {
            optOutDb.close();
        }
    }

    static boolean consent(Api api, User u) {
        Reply me = check(api.get("/api/v1/accounts/verify_credentials", u.token()), 200);
        assertTrue(me.json().get("source").get("training_consent").isBoolean(), me.body());
        return me.json().get("source").get("training_consent").asBoolean();
    }

    @Test
    void newAccountsGetTheOperatorsDefault() {
        assertFalse(consent(server.api, users.signUp("fresh_opt_in")), "opt-in out of the box");
        assertTrue(consent(optOutApi, optOutUsers.signUp("fresh_opt_out")), "this operator chose consent by default");
    }

    @Test
    void setByFormAndJsonAndRevoked() {
        User u = users.signUp("consenter");
        Reply form = check(server.api.raw("PATCH", "/api/v1/accounts/update_credentials", u.token(), "application/x-www-form-urlencoded",
                Api.form(map("source[training_consent]", "true"))), 200);
        assertTrue(form.json().get("source").get("training_consent").asBoolean(), form.body());
        assertTrue(consent(server.api, u));
        assertTrue(server.starling().social().trainingConsent().consents(Long.parseLong(u.id())));

        Reply json = check(server.api.patchJson("/api/v1/accounts/update_credentials", u.token(),
                Map.of("source", Map.of("training_consent", false))), 200);
        assertFalse(json.json().get("source").get("training_consent").asBoolean(), json.body());
        assertFalse(server.starling().social().trainingConsent().consents(Long.parseLong(u.id())));

        // Other profile changes leave it alone; the older top-level name still works.
        check(server.api.patchJson("/api/v1/accounts/update_credentials", u.token(), Map.of("ai_training_consent", true)), 200);
        check(server.api.patchJson("/api/v1/accounts/update_credentials", u.token(), Map.of("display_name", "C")), 200);
        assertTrue(consent(server.api, u));
    }

    @Test
    void badValuesAreA422NamingTheParameter() {
        User u = users.signUp("badvalue");
        for (Reply r : List.of(
                server.api.raw("PATCH", "/api/v1/accounts/update_credentials", u.token(), "application/x-www-form-urlencoded",
                        Api.form(map("source[training_consent]", "maybe"))),
                server.api.patchJson("/api/v1/accounts/update_credentials", u.token(), Map.of("source", Map.of("training_consent", "sometimes"))),
                server.api.patchJson("/api/v1/accounts/update_credentials", u.token(), Map.of("source", Map.of("training_consent", 2))),
                server.api.patchJson("/api/v1/accounts/update_credentials", u.token(),
                        Map.of("source", Map.of("training_consent", true), "ai_training_consent", false)))) {
            assertEquals(422, r.status(), r.body());
            assertTrue(r.json().get("error").asText().contains("source[training_consent]"), r.body());
            assertTrue(r.json().get("details").has("source[training_consent]"), r.body());
        }
        assertFalse(consent(server.api, u), "nothing changed");
        Reply anon = server.api.patchJson("/api/v1/accounts/update_credentials", null, Map.of("source", Map.of("training_consent", true)));
        assertEquals(401, anon.status(), anon.body());
    }

    @Test
    void consentIsPrivateToTheAccount() {
        User u = users.signUp("private_consent");
        check(server.api.patchJson("/api/v1/accounts/update_credentials", u.token(), Map.of("source", Map.of("training_consent", true))), 200);
        Reply other = check(server.api.get("/api/v1/accounts/" + u.id(), null), 200);
        assertFalse(other.body().contains("training_consent"), other.body());
    }

    @Test
    void adminRoleIsShownAndCannotBeGrantedThroughTheApi() {
        User u = users.signUp("operator_made");
        Reply before = check(server.api.get("/api/v1/accounts/verify_credentials", u.token()), 200);
        assertEquals("", before.json().get("role").get("name").asText());
        assertEquals("0", before.json().get("role").get("permissions").asText());

        // Parameters that try to grant a role are ignored: there is no such setting in the API.
        check(server.api.patchJson("/api/v1/accounts/update_credentials", u.token(), Map.of("role", "admin", "source", Map.of("role", "admin"))), 200);
        assertEquals(Role.USER, server.starling().social().accounts().role(Long.parseLong(u.id())).orElseThrow());

        server.starling().social().accounts().setRole(Long.parseLong(u.id()), Role.ADMIN).orThrow();
        Reply after = check(server.api.get("/api/v1/accounts/verify_credentials", u.token()), 200);
        assertEquals("Admin", after.json().get("role").get("name").asText(), after.body());
        assertEquals("1", after.json().get("role").get("permissions").asText());
        assertTrue(after.json().get("role").get("highlighted").asBoolean());
    }
}
