package dev.starling.social.accounts;

/**
 * Changes to a profile (Mastodon's update_credentials). Null fields stay as they are; an empty
 * {@code avatarUrl} removes the avatar.
 */
public record ProfileUpdate(String displayName, String note, String avatarUrl, Boolean locked, Boolean bot, Boolean aiTrainingConsent) {

    public static ProfileUpdate none() {
        return new ProfileUpdate(null, null, null, null, null, null);
    }

    public ProfileUpdate withDisplayName(String v) {
        return new ProfileUpdate(v, note, avatarUrl, locked, bot, aiTrainingConsent);
    }

    public ProfileUpdate withNote(String v) {
        return new ProfileUpdate(displayName, v, avatarUrl, locked, bot, aiTrainingConsent);
    }

    public ProfileUpdate withAvatarUrl(String v) {
        return new ProfileUpdate(displayName, note, v, locked, bot, aiTrainingConsent);
    }

    public ProfileUpdate withLocked(Boolean v) {
        return new ProfileUpdate(displayName, note, avatarUrl, v, bot, aiTrainingConsent);
    }

    public ProfileUpdate withAiTrainingConsent(Boolean v) {
        return new ProfileUpdate(displayName, note, avatarUrl, locked, bot, v);
    }
}
