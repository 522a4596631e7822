package dev.starling.server.accounts;

import dev.starling.server.http.Params;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.Role;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starling's own fields of the CredentialAccount (verify_credentials, update_credentials), laid
 * over Mastodon's shape:
 * <ul>
 *   <li>{@code source.training_consent} (boolean): whether the account's public posts may train
 *       Starling's models. Set with {@code source[training_consent]} (form) or
 *       {@code {"source": {"training_consent": true}}} (JSON), as Mastodon's other {@code source[...]}
 *       settings; the older top-level {@code ai_training_consent} is still read.</li>
 *   <li>{@code role}: Mastodon's Role entity. Ordinary accounts keep Mastodon's "everyone" role
 *       (id -99, no permissions); admins get {@code {"id": "2", "name": "Admin", "permissions": "1",
 *       "highlighted": true}} (permission bit 1 is Mastodon's "administrator").</li>
 * </ul>
 */
final class CredentialFields {

    /** The parameter clients send (Mastodon's {@code source[...]} convention). */
    static final String TRAINING_CONSENT = "source[training_consent]";
    /** The earlier top-level spelling, still accepted. */
    static final String LEGACY_TRAINING_CONSENT = "ai_training_consent";

    private CredentialFields() {
    }

    /**
     * The requested consent, or null when not given. A value that is not a boolean is a 422 naming
     * the parameter; both spellings with different values is a 422 too.
     */
    static Boolean trainingConsent(Params p) {
        Boolean source = p.boolOrNull(TRAINING_CONSENT);
        Boolean legacy = p.boolOrNull(LEGACY_TRAINING_CONSENT);
        if (source != null && legacy != null && !source.equals(legacy)) {
            throw Params.badParam(TRAINING_CONSENT, "contradicts " + LEGACY_TRAINING_CONSENT + " in the same request");
        }
        return source != null ? source : legacy;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> add(Map<String, Object> credential, Account a, Role role) {
        Object source = credential.get("source");
        if (source instanceof Map<?, ?> m) {
            ((Map<String, Object>) m).put("training_consent", a.aiTrainingConsent());
        }
        if (role == Role.ADMIN) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", "2");
            r.put("name", role.displayName());
            r.put("permissions", "1");
            r.put("color", "");
            r.put("highlighted", true);
            credential.put("role", r);
        }
        return credential;
    }
}
