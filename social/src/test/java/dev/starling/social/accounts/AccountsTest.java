package dev.starling.social.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.auth.Argon2Params;
import dev.starling.social.common.Outcome;
import dev.starling.social.common.Rejection;
import dev.starling.social.db.Database;
import dev.starling.social.testing.TestDatabase;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AccountsTest {

    static Database db;
    static Social social;
    static final String PW = "correct horse battery";

    @BeforeAll
    static void up() {
        db = TestDatabase.fresh("accounts");
        social = TestDatabase.social(db);
    }

    @AfterAll
    static void down() {
        db.close();
    }

    @Test
    void signUpValidatesUsernameEmailPassword() {
        assertEquals(Rejection.Kind.INVALID, social.accounts().signUp(new SignUp("bad name", "a@b.org", PW)).rejectionOrNull().kind());
        assertEquals(Rejection.Kind.INVALID, social.accounts().signUp(new SignUp("a".repeat(31), "a@b.org", PW)).rejectionOrNull().kind());
        assertEquals(Rejection.Kind.INVALID, social.accounts().signUp(new SignUp("okname", "not-an-email", PW)).rejectionOrNull().kind());
        Rejection shortPw = social.accounts().signUp(new SignUp("okname", "ok@b.org", "elevenchars")).rejectionOrNull();
        assertEquals(Rejection.Kind.INVALID, shortPw.kind());
        assertTrue(shortPw.message().contains("too short"), shortPw.message());
        assertTrue(social.accounts().signUp(new SignUp("okname", "ok@b.org", "x".repeat(129))).rejectionOrNull().message().contains("too long"));
        // Exactly 12 and 128 code points are fine; supplementary characters count once.
        assertTrue(social.accounts().signUp(new SignUp("twelve", "twelve@b.org", "\uD83D\uDE00".repeat(12))).isOk());
        assertTrue(social.accounts().signUp(new SignUp("long128", "l128@b.org", "y".repeat(128))).isOk());
        assertEquals(0L, (long) db.withConnection(c -> count(c, "okname")));
    }

    @Test
    void usernamesAndEmailsAreCaseInsensitiveUnique() {
        Account a = social.accounts().signUp(new SignUp("Carol_1", "carol@example.org", PW, "Carol", false)).orThrow();
        assertEquals("Carol_1", a.username());
        assertEquals("Carol", a.displayName());
        assertEquals(Rejection.Kind.CONFLICT, social.accounts().signUp(new SignUp("carol_1", "other@example.org", PW)).rejectionOrNull().kind());
        assertEquals(Rejection.Kind.CONFLICT, social.accounts().signUp(new SignUp("carol2", "CAROL@example.org", PW)).rejectionOrNull().kind());
        assertEquals(a.id(), social.accounts().byUsername("@CAROL_1").orElseThrow().id());
        assertFalse(a.aiTrainingConsent(), "AI training consent defaults to false");
    }

    @Test
    void signInByUsernameOrEmailAndNeverRevealsExistence() {
        Account a = social.accounts().signUp(new SignUp("dave", "dave@example.org", PW)).orThrow();
        assertEquals(a.id(), social.accounts().signIn("dave", PW).orThrow().id());
        assertEquals(a.id(), social.accounts().signIn("DAVE@example.org", PW).orThrow().id());
        Rejection wrong = social.accounts().signIn("dave", PW + "x").rejectionOrNull();
        Rejection missing = social.accounts().signIn("nobody_here", PW).rejectionOrNull();
        assertEquals(wrong, missing, "wrong password and unknown account must be indistinguishable");
        assertEquals(Rejection.Kind.UNAUTHORIZED, missing.kind());
        // No truncation: a 128-char password differing only in its last character does not match.
        String longPw = "z".repeat(127) + "a";
        Account e = social.accounts().signUp(new SignUp("erin", "erin@example.org", longPw)).orThrow();
        assertFalse(social.accounts().signIn("erin", "z".repeat(127) + "b").isOk());
        assertEquals(e.id(), social.accounts().signIn("erin", longPw).orThrow().id());
    }

    @Test
    void loginRehashesWhenParametersChange() {
        Social cheap = Social.create(db, Social.Settings.defaults().withArgon2(new Argon2Params(128, 1, 1)));
        Account a = cheap.accounts().signUp(new SignUp("frank", "frank@example.org", PW)).orThrow();
        String before = hash(a.id());
        assertTrue(before.startsWith("$argon2id$v=19$m=128,t=1,p=1$"), before);
        // The default (fast test) params differ: sign-in succeeds and stores a new hash with them.
        assertTrue(social.accounts().signIn("frank", PW).isOk());
        String after = hash(a.id());
        assertNotEquals(before, after);
        assertTrue(after.startsWith("$argon2id$v=19$m=256,t=1,p=1$"), after);
        assertTrue(social.accounts().signIn("frank", PW).isOk());
        assertEquals(after, hash(a.id()), "no rehash when params are current");
    }

    @Test
    void defaultParametersAreOwasp() {
        Social owasp = Social.create(db, Social.Settings.defaults());
        Account a = owasp.accounts().signUp(new SignUp("grace", "grace@example.org", PW)).orThrow();
        assertTrue(hash(a.id()).startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash(a.id()));
        assertTrue(owasp.accounts().signIn("grace", PW).isOk());
    }

    @Test
    void profileUpdateAndLimits() {
        Account a = social.accounts().signUp(new SignUp("heidi", "heidi@example.org", PW)).orThrow();
        Account u = social.accounts().updateProfile(a.id(), ProfileUpdate.none().withDisplayName("Heidi H").withNote("bio")
                .withAvatarUrl("https://example.org/a.png").withLocked(true).withAiTrainingConsent(true)).orThrow();
        assertEquals("Heidi H", u.displayName());
        assertEquals("bio", u.note());
        assertEquals("https://example.org/a.png", u.avatarUrl());
        assertTrue(u.locked());
        assertTrue(u.aiTrainingConsent());
        assertNull(social.accounts().updateProfile(a.id(), ProfileUpdate.none().withAvatarUrl("")).orThrow().avatarUrl());
        assertEquals(Rejection.Kind.INVALID, social.accounts().updateProfile(a.id(), ProfileUpdate.none().withNote("n".repeat(501))).rejectionOrNull().kind());
        assertEquals(Rejection.Kind.INVALID, social.accounts().updateProfile(a.id(), ProfileUpdate.none().withAvatarUrl("javascript:alert(1)")).rejectionOrNull().kind());
        Outcome<Account> missing = social.accounts().updateProfile(42, ProfileUpdate.none().withNote("x"));
        assertEquals(Rejection.Kind.NOT_FOUND, missing.rejectionOrNull().kind());
    }

    @Test
    void changePasswordChecksTheCurrentOne() {
        Account a = social.accounts().signUp(new SignUp("ivan", "ivan@example.org", PW)).orThrow();
        assertEquals(Rejection.Kind.UNAUTHORIZED, social.accounts().changePassword(a.id(), "wrong password!", "new password 123").rejectionOrNull().kind());
        assertTrue(social.accounts().changePassword(a.id(), PW, "new password 123").isOk());
        assertFalse(social.accounts().signIn("ivan", PW).isOk());
        assertTrue(social.accounts().signIn("ivan", "new password 123").isOk());
    }

    private static String hash(long id) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT password_hash FROM accounts WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
    }

    private static long count(java.sql.Connection c, String username) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM accounts WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
