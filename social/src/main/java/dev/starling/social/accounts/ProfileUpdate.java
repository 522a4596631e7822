package dev.starling.social.accounts;

import dev.starling.social.posts.PostVisibility;

/**
 * Changes to a profile (Mastodon's update_credentials). Null fields stay as they are; an empty
 * {@code avatarUrl} removes the avatar. {@code defaultVisibility} (Mastodon's
 * {@code source[privacy]}) may be public, unlisted or private; direct is rejected.
 */
public record ProfileUpdate(String displayName, String note, String avatarUrl, Boolean locked, Boolean bot, Boolean aiTrainingConsent,
                            PostVisibility defaultVisibility) {

    /** A change that leaves the default visibility as it is. */
    public ProfileUpdate(String displayName, String note, String avatarUrl, Boolean locked, Boolean bot, Boolean aiTrainingConsent) {
        this(displayName, note, avatarUrl, locked, bot, aiTrainingConsent, null);
    }

    public static ProfileUpdate none() {
        return new ProfileUpdate(null, null, null, null, null, null, null);
    }

    public ProfileUpdate withDisplayName(String v) {
        return new ProfileUpdate(v, note, avatarUrl, locked, bot, aiTrainingConsent, defaultVisibility);
    }

    public ProfileUpdate withNote(String v) {
        return new ProfileUpdate(displayName, v, avatarUrl, locked, bot, aiTrainingConsent, defaultVisibility);
    }

    public ProfileUpdate withAvatarUrl(String v) {
        return new ProfileUpdate(displayName, note, v, locked, bot, aiTrainingConsent, defaultVisibility);
    }

    public ProfileUpdate withLocked(Boolean v) {
        return new ProfileUpdate(displayName, note, avatarUrl, v, bot, aiTrainingConsent, defaultVisibility);
    }

    public ProfileUpdate withBot(Boolean v) {
        return new ProfileUpdate(displayName, note, avatarUrl, locked, v, aiTrainingConsent, defaultVisibility);
    }

    public ProfileUpdate withAiTrainingConsent(Boolean v) {
        return new ProfileUpdate(displayName, note, avatarUrl, locked, bot, v, defaultVisibility);
    }

    public ProfileUpdate withDefaultVisibility(PostVisibility v) {
        return new ProfileUpdate(displayName, note, avatarUrl, locked, bot, aiTrainingConsent, v);
    }
}
