package dev.starling.server.web.settings;

import dev.starling.social.accounts.Account;
import dev.starling.social.consent.TrainingConsent.ConsentState;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The model of {@code settings/settings.jte}: the account as stored, its consent state, and at most
 * one form error ({@code errorSection}: profile, password, visibility or consent).
 */
public record SettingsView(Account account, ConsentState consent, boolean consentDefault, String errorSection, String error,
                           int maxDisplayNameChars, int maxNoteChars) {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    public boolean consenting() {
        return consent != null ? consent.consenting() : account.aiTrainingConsent();
    }

    /** When the consent last changed, or null when never changed since the account was made. */
    public String consentChangedAt() {
        return consent == null || consent.changedAt() == null ? null : WHEN.format(consent.changedAt());
    }

    public String errorFor(String section) {
        return section.equals(errorSection) ? error : null;
    }

    /** Mastodon's name of the account's default post visibility (public, unlisted, private). */
    public String defaultVisibility() {
        return account.defaultVisibility().mastodonName();
    }

    public String displayName() {
        return account.displayName() == null ? "" : account.displayName();
    }

    public String note() {
        return account.note() == null ? "" : account.note();
    }

    /** The status line after a save ({@code saved} query parameter), or null. */
    static String savedNotice(String saved) {
        if (saved == null) return null;
        return switch (saved) {
            case "profile" -> "Your profile was saved.";
            case "password" -> "Your password was changed. Other browsers and apps signed in to your account were signed out.";
            case "visibility" -> "Saved: new posts now start with the default visibility you chose.";
            case "consent_on" -> "Saved: your public posts may now be used to train Starling's model.";
            case "consent_off" -> "Saved: your posts will not be used to train Starling's model from the next training run on.";
            default -> null;
        };
    }

    /** A domain message as a sentence to show: capitalised, with a full stop. */
    static String sentence(String message) {
        if (message == null || message.isBlank()) return "That could not be saved.";
        String s = Character.toUpperCase(message.charAt(0)) + message.substring(1);
        return s.endsWith(".") ? s : s + ".";
    }
}
