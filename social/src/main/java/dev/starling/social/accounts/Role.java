package dev.starling.social.accounts;

import java.util.Optional;

/**
 * What an account may do beyond posting. {@link #ADMIN} opens the admin pages and trend
 * moderation; it is granted by the operator only (the command line), never through the HTTP API.
 * Stored as {@link #code()} in {@code accounts.role} (migration V3).
 */
public enum Role {
    USER("user", ""),
    ADMIN("admin", "Admin");

    private final String code;
    private final String displayName;

    Role(String code, String displayName) {
        this.code = code;
        this.displayName = displayName;
    }

    /** The stored value: {@code "user"} or {@code "admin"}. */
    public String code() {
        return code;
    }

    /** Mastodon's role name as shown to clients ({@code "Admin"}; empty for ordinary users, as Mastodon's everyone role). */
    public String displayName() {
        return displayName;
    }

    /** Parses {@link #code()} (case-insensitive); empty when unknown. */
    public static Optional<Role> parse(String code) {
        if (code != null) {
            for (Role r : values()) {
                if (r.code.equalsIgnoreCase(code.trim())) {
                    return Optional.of(r);
                }
            }
        }
        return Optional.empty();
    }

    /** The stored value read back; a value outside the CHECK constraint is a bug. */
    static Role fromCode(String code) {
        return parse(code).orElseThrow(() -> new IllegalStateException("unknown role in accounts.role: " + code));
    }
}
