/**
 * The settings page ({@code /settings}): profile, password, and the AI training consent with a
 * plain statement of what it means. Register with {@code new SettingsPages()} as a
 * {@link dev.starling.server.web.WebFeature}.
 *
 * <p>Stable element ids for tests: forms {@code settings-profile-form}, {@code settings-password-form},
 * {@code settings-consent-form}; fields {@code display_name}, {@code note}, {@code current_password},
 * {@code new_password}, {@code confirm_password}; radios {@code training-consent-yes} and
 * {@code training-consent-no}; buttons {@code save-profile}, {@code save-password}, {@code save-consent};
 * the current consent is stated in {@code consent-status}.
 */
package dev.starling.server.web.settings;
