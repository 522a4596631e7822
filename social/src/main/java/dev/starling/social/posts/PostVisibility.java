package dev.starling.social.posts;

import java.util.Optional;

/** Who may see a post; stored as {@link #code()} (0..3). Mastodon names via {@link #mastodonName()}. */
public enum PostVisibility {
    /** Everyone, and listed on public and hashtag timelines. */
    PUBLIC(0, "public"),
    /** Everyone, but not on public or hashtag timelines. */
    UNLISTED(1, "unlisted"),
    /** Author, accepted followers and mentioned accounts ("followers-only"). */
    PRIVATE(2, "private"),
    /** Author and mentioned accounts only. */
    DIRECT(3, "direct");

    private final int code;
    private final String mastodonName;

    PostVisibility(int code, String mastodonName) {
        this.code = code;
        this.mastodonName = mastodonName;
    }

    public int code() {
        return code;
    }

    public String mastodonName() {
        return mastodonName;
    }

    public static PostVisibility fromCode(int code) {
        return switch (code) {
            case 0 -> PUBLIC;
            case 1 -> UNLISTED;
            case 2 -> PRIVATE;
            case 3 -> DIRECT;
            default -> throw new IllegalArgumentException("unknown visibility code " + code);
        };
    }

    /** Parses Mastodon's names ("public", "unlisted", "private", "direct"); empty when unknown. */
    public static Optional<PostVisibility> parse(String name) {
        for (PostVisibility v : values()) {
            if (v.mastodonName.equals(name)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }
}
