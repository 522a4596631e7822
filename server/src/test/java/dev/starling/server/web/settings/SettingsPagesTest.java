package dev.starling.server.web.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.server.ServerOptions;
import dev.starling.server.Starling;
import dev.starling.server.testing.TestServer;
import dev.starling.server.web.Browser;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.db.Database;
import dev.starling.social.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The settings page over a real server on port 0: consent, profile, password, CSRF and sign-in checks. */
class SettingsPagesTest {
    static Database db;
    static Starling starling;
    static String base;

    @BeforeAll
    static void up() {
        db = TestDatabase.fresh("web_settings");
        Social social = TestDatabase.social(db);
        starling = Starling.start(social, ServerOptions.defaults().withPort(0).withRateLimits(TestServer.generousLimits()), List.of(),
                List.of(new SettingsPages()));
        base = "http://127.0.0.1:" + starling.port();
    }

    @AfterAll
    static void down() {
        starling.close();
        db.close();
    }

    private static Account account(String username) {
        return starling.social().accounts().byUsername(username).orElseThrow();
    }

    @Test
    void signedOutVisitorIsSentToSignInAndBack() {
        Browser b = new Browser(base);
        Browser.Page p = b.get("/settings");
        assertEquals(303, p.status());
        assertEquals("/sign_in?return_to=%2Fsettings", p.location());
    }

    @Test
    void consentIsOffByDefaultExplainedAndCanBeTurnedOnAndOff() {
        Browser b = new Browser(base);
        b.signUp("consenter");
        Browser.Page page = b.get("/settings");
        assertEquals(200, page.status());
        assertTrue(page.body().contains("id=\"consent-statement\""), page.body());
        assertTrue(page.body().contains("Never used, whatever you choose: unlisted, followers-only and direct posts"), "plain statement");
        assertTrue(page.body().contains("No, my posts are not used for training"), "opt-in default shown as the current state");
        assertFalse(starling.social().trainingConsent().consents(account("consenter").id()));

        Browser.Page saved = b.post("/settings/consent", Map.of("training_consent", "yes"));
        assertEquals(303, saved.status());
        assertEquals("/settings?saved=consent_on#consent", saved.location());
        assertTrue(starling.social().trainingConsent().consents(account("consenter").id()));
        Browser.Page after = b.get("/settings?saved=consent_on");
        assertTrue(after.body().contains("Saved: your public posts may now be used"), after.body());
        assertTrue(after.body().contains("Yes, my public posts may train the model"));
        assertTrue(after.body().matches("(?s).*id=\"training-consent-yes\"[^>]*checked.*"), "the yes radio is checked");

        assertEquals(303, b.post("/settings/consent", Map.of("training_consent", "no")).status());
        assertFalse(starling.social().trainingConsent().consents(account("consenter").id()));
    }

    @Test
    void badConsentValueIsRefusedWithTheReason() {
        Browser b = new Browser(base);
        b.signUp("undecided");
        b.get("/settings");
        Browser.Page p = b.post("/settings/consent", Map.of("training_consent", "maybe"));
        assertEquals(422, p.status());
        assertTrue(p.body().contains("id=\"consent-error\""), p.body());
        assertTrue(p.body().contains("Choose whether your public posts may train"));
    }

    @Test
    void formsWithoutOrWithAWrongCsrfTokenAreRefused() {
        Browser b = new Browser(base);
        b.signUp("csrfvictim");
        b.get("/settings");
        Browser.Page missing = b.postRaw("/settings/consent", Map.of("training_consent", "yes"), Map.of());
        assertEquals(403, missing.status());
        Browser.Page wrong = b.postRaw("/settings/profile", Map.of("csrf_token", "forged", "display_name", "Hacked"), Map.of());
        assertEquals(403, wrong.status());
        assertFalse(starling.social().trainingConsent().consents(account("csrfvictim").id()));
        assertNotEquals("Hacked", account("csrfvictim").displayName());
    }

    @Test
    void profileIsSavedAndTooLongValuesAreRefused() {
        Browser b = new Browser(base);
        b.signUp("profiler");
        b.get("/settings");
        Browser.Page ok = b.post("/settings/profile", Map.of("display_name", "  Pro Filer ", "note", "I <3 birds"));
        assertEquals(303, ok.status());
        assertEquals("Pro Filer", account("profiler").displayName());
        assertEquals("I <3 birds", account("profiler").note());
        Browser.Page shown = b.get("/settings");
        assertTrue(shown.body().contains("I &lt;3 birds"), "bio escaped in the form");
        Browser.Page tooLong = b.post("/settings/profile", Map.of("display_name", "x".repeat(31), "note", ""));
        assertEquals(422, tooLong.status());
        assertTrue(tooLong.body().contains("id=\"profile-error\""));
        assertTrue(tooLong.body().contains("Display_name is too long"), tooLong.body());
        assertEquals("Pro Filer", account("profiler").displayName());
    }

    @Test
    void passwordChangeKeepsThisBrowserSignedInAndSignsOutTheOthers() {
        Browser mine = new Browser(base);
        mine.signUp("changer");
        Browser other = new Browser(base);
        assertEquals(303, other.signIn("changer").status());
        assertEquals(200, other.get("/settings").status());

        mine.get("/settings");
        Browser.Page mismatch = mine.post("/settings/password", Map.of("current_password", "correct horse changer",
                "new_password", "a brand new password", "confirm_password", "a different password"));
        assertEquals(422, mismatch.status());
        assertTrue(mismatch.body().contains("The new password and its confirmation differ."));
        Browser.Page wrongCurrent = mine.post("/settings/password", Map.of("current_password", "not my password at all",
                "new_password", "a brand new password", "confirm_password", "a brand new password"));
        assertEquals(422, wrongCurrent.status());
        assertTrue(wrongCurrent.body().contains("The current password is wrong."));
        Browser.Page tooShort = mine.post("/settings/password", Map.of("current_password", "correct horse changer",
                "new_password", "short", "confirm_password", "short"));
        assertEquals(422, tooShort.status());

        Browser.Page changed = mine.post("/settings/password", Map.of("current_password", "correct horse changer",
                "new_password", "a brand new password", "confirm_password", "a brand new password"));
        assertEquals(303, changed.status());
        assertEquals(200, mine.get("/settings").status(), "this browser stays signed in");
        assertEquals(303, other.get("/settings").status(), "the other session ended");
        assertTrue(starling.social().accounts().signIn("changer", "a brand new password").isOk());
        assertFalse(starling.social().accounts().signIn("changer", "correct horse changer").isOk());
    }
}
