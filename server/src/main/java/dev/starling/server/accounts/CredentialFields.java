package dev.starling.server.accounts;

import dev.starling.server.http.Params;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.Role;
import dev.starling.social.posts.PostVisibility;
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
 *   <li>{@code source.privacy}: Mastodon's default post visibility, the account's stored
 *       {@link Account#defaultVisibility()} ({@code public}, {@code unlisted} or {@code private}).
 *       Set with {@code source[privacy]} (form) or {@code {"source": {"privacy": "unlisted"}}} (JSON);
 *       any other value is a 422 naming the parameter and the value. {@code POST /api/v1/statuses}
 *       without {@code visibility} uses it.</li>
 *   <li>{@code role}: Mastodon's Role entity. Ordinary accounts keep Mastodon's "everyone" role
 *       (id -99, no permissions); admins get {@code {"id": "2", "name": "Admin", "permissions": "1",
 *       "highlighted": true}} (permission bit 1 is Mastodon's "administrator").</li>
 * </ul>
 */
final class CredentialFields {

    /** The parameter clients send (Mastodon's {@code source[...]} convention). */
    static final String TRAINING_CONSENT = "source[training_consent]";
    /** The default post visibility (Mastodon's {@code source[privacy]}). */
    static final String PRIVACY = "source[privacy]";
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

    /** The requested default visibility, or null when not given; 422 naming the bad value otherwise. */
    static PostVisibility privacy(Params p) {
        String v = p.string(PRIVACY, 40);
        if (v == null) return null;
        return PostVisibility.parse(v).filter(x -> x != PostVisibility.DIRECT)
                .orElseThrow(() -> Params.badParam(PRIVACY, "must be one of public, unlisted, private (was \"" + v + "\")"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> add(Map<String, Object> credential, Account a, Role role) {
        Object source = credential.get("source");
        if (source instanceof Map<?, ?> m) {
            ((Map<String, Object>) m).put("training_consent", a.aiTrainingConsent());
            ((Map<String, Object>) m).put("privacy", a.defaultVisibility().mastodonName());
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
