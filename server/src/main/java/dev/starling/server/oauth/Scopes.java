package dev.starling.server.oauth;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * OAuth scopes as Mastodon defines them: top-level {@code read}, {@code write}, {@code follow},
 * {@code push}, {@code profile}, and granular ones like {@code read:statuses}. A granted top-level
 * scope covers its granular ones; {@code follow} covers read/write of follows, blocks and mutes.
 */
public final class Scopes {
    public static final int MAX_SCOPES_CHARS = 1000;
    private static final Set<String> TOP = Set.of("read", "write", "follow", "push", "profile");
    private static final Set<String> GRANULAR = Set.of(
            "read:accounts", "read:blocks", "read:bookmarks", "read:favourites", "read:filters", "read:follows",
            "read:lists", "read:mutes", "read:notifications", "read:search", "read:statuses",
            "write:accounts", "write:blocks", "write:bookmarks", "write:conversations", "write:favourites",
            "write:filters", "write:follows", "write:lists", "write:media", "write:mutes",
            "write:notifications", "write:reports", "write:statuses");

    private Scopes() {}

    /** Parses a space-separated scope list (default {@code read}); null when an unknown scope is present. */
    public static Set<String> parse(String raw) {
        if (raw == null || raw.isBlank()) return Set.of("read");
        Set<String> out = new LinkedHashSet<>();
        for (String s : raw.trim().split("[\\s+]+")) {
            if (!TOP.contains(s) && !GRANULAR.contains(s)) return null;
            out.add(s);
        }
        return out;
    }

    public static String unknown(String raw) {
        if (raw == null) return "";
        return Arrays.stream(raw.trim().split("[\\s+]+")).filter(s -> !TOP.contains(s) && !GRANULAR.contains(s))
                .collect(Collectors.joining(" "));
    }

    public static String format(Set<String> scopes) {
        return String.join(" ", scopes);
    }

    /** Whether the granted scopes allow an action needing {@code required} (e.g. {@code write:statuses}). */
    public static boolean allows(Set<String> granted, String required) {
        if (granted.contains(required)) return true;
        int colon = required.indexOf(':');
        String top = colon < 0 ? required : required.substring(0, colon);
        if (granted.contains(top)) return true;
        if (required.equals("profile") && (granted.contains("read") || granted.contains("read:accounts"))) return true;
        return granted.contains("follow")
                && Set.of("read:follows", "write:follows", "read:blocks", "write:blocks", "read:mutes", "write:mutes").contains(required);
    }

    /** Whether every scope of {@code requested} is within {@code allowed} (what an app registered). */
    public static boolean subset(Set<String> requested, Set<String> allowed) {
        return requested.stream().allMatch(s -> allows(allowed, s));
    }
}
