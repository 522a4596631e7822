package dev.starling.social.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.ProfileUpdate;
import dev.starling.social.accounts.Role;
import dev.starling.social.accounts.SignUp;
import dev.starling.social.common.Rejection;
import dev.starling.social.db.Database;
import dev.starling.social.outbox.EventType;
import dev.starling.social.outbox.OutboxEvent;
import dev.starling.social.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Training consent (operator default, set and revoke, when it changed) and account roles. */
class TrainingConsentTest {

    static Database db;
    static final AtomicReference<Instant> NOW = new AtomicReference<>(Instant.parse("2026-03-01T10:00:00Z"));
    static final Clock CLOCK = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return NOW.get();
        }
    };

    @BeforeAll
    static void up() {
        db = TestDatabase.fresh("consent");
    }

    @AfterAll
    static void down() {
        db.close();
    }

    static Social social(boolean consentDefault) {
        Social.Settings s = Social.Settings.defaults().withArgon2(TestDatabase.FAST_ARGON2).withClock(CLOCK);
        return Social.create(db, consentDefault ? s.withTrainingConsentDefault(true) : s);
    }

    @Test
    void optInOutOfTheBoxAndTheOperatorsDefaultAppliesToNewAccountsOnly() {
        assertFalse(Social.Settings.defaults().trainingConsentDefault(), "opt-in out of the box");
        Social optIn = social(false);
        Social optOut = social(true);
        assertFalse(optIn.trainingConsent().defaultForNewAccounts());
        assertTrue(optOut.trainingConsent().defaultForNewAccounts());

        Account a = optIn.accounts().signUp(new SignUp("opt_in_amy", "amy@example.org", "correct horse battery")).orThrow();
        Account b = optOut.accounts().signUp(new SignUp("opt_out_bob", "bob@example.org", "correct horse battery")).orThrow();
        Account c = optOut.accounts().createWithoutPassword("opt_out_cat", "cat@example.org", "Cat", false).orThrow();
        assertFalse(a.aiTrainingConsent());
        assertTrue(b.aiTrainingConsent());
        assertTrue(c.aiTrainingConsent());
        // Either service reads the stored setting, whatever its own default.
        assertFalse(optOut.trainingConsent().consents(a.id()));
        assertTrue(optIn.trainingConsent().consents(b.id()));
        assertEquals(NOW.get(), optIn.trainingConsent().of(a.id()).orElseThrow().changedAt());
    }

    @Test
    void setAndRevokeRecordWhenAndWriteOneOutboxEventEach() {
        Social social = social(false);
        Account a = social.accounts().signUp(new SignUp("consent_dee", "dee@example.org", "correct horse battery")).orThrow();
        Instant created = NOW.get();
        long head = social.outbox().head();

        NOW.set(created.plus(Duration.ofMinutes(5)));
        assertTrue(social.trainingConsent().set(a.id(), true).orThrow().aiTrainingConsent());
        TrainingConsent.ConsentState on = social.trainingConsent().of(a.id()).orElseThrow();
        assertTrue(on.consenting());
        assertEquals(created.plus(Duration.ofMinutes(5)), on.changedAt());

        // Setting the same value again does not move changedAt.
        NOW.set(created.plus(Duration.ofMinutes(9)));
        social.trainingConsent().set(a.id(), true).orThrow();
        assertEquals(on.changedAt(), social.trainingConsent().of(a.id()).orElseThrow().changedAt());
        // Nor does a profile update that leaves consent alone.
        social.accounts().updateProfile(a.id(), ProfileUpdate.none().withDisplayName("Dee")).orThrow();
        assertEquals(on.changedAt(), social.trainingConsent().of(a.id()).orElseThrow().changedAt());

        NOW.set(created.plus(Duration.ofMinutes(20)));
        assertFalse(social.trainingConsent().set(a.id(), false).orThrow().aiTrainingConsent());
        TrainingConsent.ConsentState off = social.trainingConsent().of(a.id()).orElseThrow();
        assertFalse(off.consenting());
        assertEquals(created.plus(Duration.ofMinutes(20)), off.changedAt());

        List<OutboxEvent> events = social.outbox().poll("consent-test", head, 100).stream()
                .filter(e -> e.aggregateId() == a.id() && e.payloadJson().contains("ai_training_consent")).toList();
        assertEquals(3, events.size(), "one event per set (the repeated one included): " + events);
        assertTrue(events.getLast().payloadJson().contains("false"), events.getLast().payloadJson());
        events.forEach(e -> assertEquals(EventType.ACCOUNT_UPDATED, e.type()));

        assertEquals(Rejection.Kind.NOT_FOUND, social.trainingConsent().set(42L, true).rejectionOrNull().kind());
        assertTrue(social.trainingConsent().of(42L).isEmpty());
        assertFalse(social.trainingConsent().consents(42L));
    }

    @Test
    void countsAccountsByConsent() {
        Social social = social(false);
        TrainingConsent.Counts before = social.trainingConsent().counts();
        Account x = social.accounts().createWithoutPassword("count_x", "x@example.org", "", false).orThrow();
        social.accounts().createWithoutPassword("count_y", "y@example.org", "", false).orThrow();
        social.trainingConsent().set(x.id(), true).orThrow();
        TrainingConsent.Counts after = social.trainingConsent().counts();
        assertEquals(before.consenting() + 1, after.consenting());
        assertEquals(before.notConsenting() + 1, after.notConsenting());
    }

    @Test
    void rolesAreUserUntilTheOperatorGrantsAdmin() {
        Social social = social(false);
        Account a = social.accounts().createWithoutPassword("role_ann", "ann@example.org", "", false).orThrow();
        Account b = social.accounts().createWithoutPassword("role_ben", "ben@example.org", "", false).orThrow();
        assertEquals(Role.USER, social.accounts().role(a.id()).orElseThrow());
        assertFalse(social.accounts().isAdmin(a.id()));
        long head = social.outbox().head();

        assertEquals(Role.ADMIN, social.accounts().setRole(a.id(), Role.ADMIN).orThrow());
        assertEquals(Role.ADMIN, social.accounts().setRole(a.id(), Role.ADMIN).orThrow()); // idempotent, no second event
        assertTrue(social.accounts().isAdmin(a.id()));
        assertFalse(social.accounts().isAdmin(b.id()));
        assertTrue(social.accounts().admins(1000).contains(a.id()));
        assertFalse(social.accounts().admins(1000).contains(b.id()));
        List<OutboxEvent> events = social.outbox().poll("role-test", head, 100).stream()
                .filter(e -> e.aggregateId() == a.id()).toList();
        assertEquals(1, events.size(), events.toString());
        assertTrue(events.getFirst().payloadJson().contains("\"admin\""), events.getFirst().payloadJson());

        assertEquals(Role.USER, social.accounts().setRole(a.id(), Role.USER).orThrow());
        assertFalse(social.accounts().admins(1000).contains(a.id()));
        assertEquals(Rejection.Kind.NOT_FOUND, social.accounts().setRole(7L, Role.ADMIN).rejectionOrNull().kind());
        assertTrue(social.accounts().role(7L).isEmpty());
        assertFalse(social.accounts().isAdmin(7L));
        assertThrows(IllegalArgumentException.class, () -> social.accounts().admins(0));

        assertEquals(Role.ADMIN, Role.parse(" Admin ").orElseThrow());
        assertTrue(Role.parse("root").isEmpty());
        assertNotNull(Role.ADMIN.displayName());
    }
}
