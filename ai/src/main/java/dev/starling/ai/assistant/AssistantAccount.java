package dev.starling.ai.assistant;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.ProfileUpdate;
import dev.starling.social.common.Outcome;
import java.util.Optional;

/** The assistant's account: found by handle, or created (without a password, so nobody can sign in as it). */
final class AssistantAccount {

    static final String DISPLAY_NAME = "Starling assistant";
    static final String NOTE = "I am this network's AI assistant, an automated account. Mention me in a post and I reply in the "
            + "thread using posts you can see. My replies are written by a language model and can be wrong.";

    private AssistantAccount() {
    }

    /**
     * The account called {@code handle}, created if absent, and marked as a bot that does not consent to training
     * (its posts are model output; training on them would feed the model its own words).
     */
    static Account ensure(Social social, String handle) {
        Optional<Account> existing = social.accounts().byUsername(handle);
        Account a;
        if (existing.isPresent()) {
            a = existing.get();
        } else {
            Outcome<Account> created = social.accounts().createWithoutPassword(handle, handle + "@assistant.invalid", DISPLAY_NAME, false);
            // a concurrent start may have created it first
            a = created.isOk() ? created.orThrow() : social.accounts().byUsername(handle).orElseThrow(
                    () -> new IllegalStateException("could not create the assistant account @" + handle + ": " + created.rejectionOrNull()));
        }
        if (!a.bot() || a.aiTrainingConsent()) {
            boolean fresh = existing.isEmpty();
            a = social.accounts().updateProfile(a.id(), new ProfileUpdate(null, fresh ? NOTE : null, null, null, true, false)).orThrow();
        }
        return a;
    }
}
