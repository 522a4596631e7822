package dev.starling.social.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.common.Rejection;
import dev.starling.social.db.Database;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The account's default post visibility (migration V4): starts public, updates, rejects direct. */
class DefaultVisibilityTest {

    static Database db;
    static Social social;

    @BeforeAll
    static void up() {
        db = TestDatabase.fresh("defaultvis");
        social = TestDatabase.social(db);
    }

    @AfterAll
    static void down() {
        db.close();
    }

    @Test
    void newAccountsDefaultToPublicAndTheSettingIsStoredAndKept() {
        Accounts accounts = social.accounts();
        Account a = accounts.signUp(new SignUp("vis_a", "vis_a@example.org", "correct horse battery")).orThrow();
        assertEquals(PostVisibility.PUBLIC, a.defaultVisibility());
        for (PostVisibility v : new PostVisibility[] {PostVisibility.UNLISTED, PostVisibility.PRIVATE, PostVisibility.PUBLIC}) {
            Account changed = accounts.updateProfile(a.id(), ProfileUpdate.none().withDefaultVisibility(v)).orThrow();
            assertEquals(v, changed.defaultVisibility());
            assertEquals(v, accounts.byId(a.id()).orElseThrow().defaultVisibility());
            assertEquals(v, accounts.byUsername("vis_a").orElseThrow().defaultVisibility());
        }
        accounts.updateProfile(a.id(), ProfileUpdate.none().withDefaultVisibility(PostVisibility.PRIVATE)).orThrow();
        // An update that does not name it leaves it alone (the six-field constructor, as older callers use).
        Account other = accounts.updateProfile(a.id(), new ProfileUpdate("New name", null, null, null, null, null)).orThrow();
        assertEquals("New name", other.displayName());
        assertEquals(PostVisibility.PRIVATE, other.defaultVisibility());
    }

    @Test
    void directIsNotADefaultAndTheRejectionSaysWhy() {
        Accounts accounts = social.accounts();
        Account a = accounts.signUp(new SignUp("vis_b", "vis_b@example.org", "correct horse battery")).orThrow();
        accounts.updateProfile(a.id(), ProfileUpdate.none().withDefaultVisibility(PostVisibility.UNLISTED)).orThrow();
        Rejection r = accounts.updateProfile(a.id(), ProfileUpdate.none().withDefaultVisibility(PostVisibility.DIRECT)).rejectionOrNull();
        assertEquals(Rejection.Kind.INVALID, r.kind());
        assertTrue(r.message().contains("direct") && r.message().contains("public, unlisted, private"), r.message());
        assertEquals(PostVisibility.UNLISTED, accounts.byId(a.id()).orElseThrow().defaultVisibility(), "a rejected update changes nothing");
    }
}
