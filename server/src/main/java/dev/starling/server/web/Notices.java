package dev.starling.server.web;

import java.util.Map;

/**
 * The fixed status messages a redirect may ask for with {@code ?notice=<code>}: the URL names a
 * message, it never carries the text, so nothing from a link is ever shown as if the site said it.
 */
public final class Notices {
    private static final Map<String, String> MESSAGES = Map.ofEntries(
            Map.entry("welcome", "Welcome to Starling! Your account is ready."),
            Map.entry("signed_out", "You are signed out."),
            Map.entry("posted", "Your post is published."),
            Map.entry("deleted", "The post was deleted."),
            Map.entry("followed", "You follow this account now."),
            Map.entry("requested", "Follow request sent."),
            Map.entry("unfollowed", "You no longer follow this account."),
            Map.entry("blocked", "Account blocked."),
            Map.entry("unblocked", "Account unblocked."),
            Map.entry("muted", "Account muted."),
            Map.entry("unmuted", "Account unmuted."),
            Map.entry("accepted", "Follow request accepted."),
            Map.entry("rejected", "Follow request rejected."),
            Map.entry("saved", "Saved."));

    private Notices() {}

    /** The message for a code, or null for an unknown or absent code. */
    public static String message(String code) {
        return code == null ? null : MESSAGES.get(code);
    }

    /** Whether a code names a message. */
    public static boolean known(String code) {
        return MESSAGES.containsKey(code);
    }
}
