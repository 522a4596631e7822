package dev.starling.social.consent;

import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.Accounts;
import dev.starling.social.accounts.ProfileUpdate;
import dev.starling.social.common.Outcome;
import dev.starling.social.common.Rejection;
import dev.starling.social.db.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.util.Optional;

/**
 * Each account's consent to its public posts training Starling's models ({@code
 * accounts.ai_training_consent}), and the operator's default for new accounts.
 *
 * <p>Reading: {@link #of(long)} (with when it last changed), {@link #consents(long)}. Changing:
 * {@link #set(long, boolean)}, the same write path as a profile update (one {@code account.updated}
 * outbox event carrying {@code ai_training_consent}), so the API's update_credentials and this
 * service cannot drift apart. A revocation takes effect in the next corpus built by
 * {@link dev.starling.social.corpus.TrainingCorpus}; a model already trained is not changed by it
 * ({@link ConsentState#changedAt()} tells an operator whether a corpus snapshot predates it).
 */
public final class TrainingConsent {

    private final Database db;
    private final Accounts accounts;
    private final boolean defaultForNewAccounts;

    public TrainingConsent(Database db, Accounts accounts, boolean defaultForNewAccounts) {
        this.db = db;
        this.accounts = accounts;
        this.defaultForNewAccounts = defaultForNewAccounts;
    }

    /** The consent new accounts start with (the operator's configuration; false out of the box: opt-in). */
    public boolean defaultForNewAccounts() {
        return defaultForNewAccounts;
    }

    /** One account's setting and when it was last set (null for accounts created before V3 that never changed it). */
    public record ConsentState(long accountId, boolean consenting, java.time.Instant changedAt) {
    }

    /** The account's consent; empty when there is no such account. */
    public Optional<ConsentState> of(long accountId) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT ai_training_consent, training_consent_changed_at FROM accounts WHERE id = ?")) {
                ps.setLong(1, accountId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    Timestamp at = rs.getTimestamp(2);
                    return Optional.of(new ConsentState(accountId, rs.getBoolean(1), at == null ? null : at.toInstant()));
                }
            }
        });
    }

    /** True when the account exists and consents. */
    public boolean consents(long accountId) {
        return of(accountId).map(ConsentState::consenting).orElse(false);
    }

    /** Sets the account's consent; NOT_FOUND when there is no such account. Returns the account as it now is. */
    public Outcome<Account> set(long accountId, boolean consent) {
        Outcome<Account> out = accounts.updateProfile(accountId, ProfileUpdate.none().withAiTrainingConsent(consent));
        if (out.rejectionOrNull() != null && out.rejectionOrNull().kind() == Rejection.Kind.NOT_FOUND) {
            return Outcome.rejected(Rejection.Kind.NOT_FOUND, "account " + accountId + " not found");
        }
        return out;
    }

    /** How many accounts consent and how many do not (admin pages, model cards). */
    public record Counts(long consenting, long notConsenting) {
    }

    public Counts counts() {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FILTER (WHERE ai_training_consent), count(*) FILTER (WHERE NOT ai_training_consent) FROM accounts");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Counts(rs.getLong(1), rs.getLong(2));
            }
        });
    }
}
