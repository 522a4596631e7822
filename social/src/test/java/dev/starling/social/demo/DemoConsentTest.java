package dev.starling.social.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.Role;
import dev.starling.social.consent.TrainingConsent;
import dev.starling.social.corpus.AccountExclusion;
import dev.starling.social.corpus.CorpusManifest;
import dev.starling.social.corpus.PostExclusion;
import dev.starling.social.db.Database;
import dev.starling.social.testing.TestDatabase;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo network: most accounts consent, some do not (visible in the corpus manifest), and one is the admin. */
class DemoConsentTest {

    @Test
    void mostConsentOneIsAdminAndTheCorpusShowsTheExclusions() {
        try (Database db = TestDatabase.fresh("demo_consent")) {
            DemoSummary s = DemoNetwork.build(db, 7, Corpus.defaultCorpus(),
                    new DemoNetwork.Options(120, 6, 3, DemoNetwork.noonUtc(LocalDate.of(2026, 3, 1))));
            System.out.println("demo: " + s);
            Social social = TestDatabase.social(db);
            TrainingConsent.Counts counts = social.trainingConsent().counts();
            assertEquals(s.consentingAccounts(), counts.consenting());
            assertEquals(s.accounts() - s.consentingAccounts(), counts.notConsenting());
            assertTrue(counts.consenting() > 0.6 * s.accounts() && counts.notConsenting() >= 5, "most consent, some do not: " + counts);

            assertEquals(s.usernames().getFirst(), s.adminUsername(), "the most followed account is the admin");
            Account admin = social.accounts().byUsername(s.adminUsername()).orElseThrow();
            assertEquals(Role.ADMIN, social.accounts().role(admin.id()).orElseThrow());
            assertEquals(List.of(admin.id()), social.accounts().admins(10), "exactly one admin");

            CorpusManifest m = social.trainingCorpus().manifest();
            System.out.println("demo corpus manifest: " + m.toJson());
            assertTrue(m.postsIncluded() > 0.5 * s.posts() * counts.consenting() / s.accounts(), m.toJson());
            assertTrue(m.postsExcluded(PostExclusion.AUTHOR_NOT_CONSENTING) > 0, m.toJson());
            assertTrue(m.postsExcluded(PostExclusion.REPOST) > 0, m.toJson());
            assertTrue(m.postsExcluded(PostExclusion.FOLLOWERS_ONLY) + m.postsExcluded(PostExclusion.DIRECT) > 0, m.toJson());
            assertEquals(counts.notConsenting(), m.accountsExcluded(AccountExclusion.NOT_CONSENTING));
            assertEquals(s.accounts(), m.accountsInSnapshot());

            DemoSummary again = DemoNetwork.build(db, 7, Corpus.defaultCorpus());
            assertNull(again.adminUsername(), "nothing created the second time");
        }
    }
}
