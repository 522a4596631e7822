package dev.starling.ai.trends;

import java.util.Optional;

/** What can trend besides posts: a hashtag, a link (normalized URL) or a phrase (a 2-3 word n-gram). Stored as {@link #code()}. */
public enum TrendKind {
    TAG(0, "tag"),
    LINK(1, "link"),
    PHRASE(2, "phrase");

    private final int code;
    private final String wireName;

    TrendKind(int code, String wireName) {
        this.code = code;
        this.wireName = wireName;
    }

    public int code() {
        return code;
    }

    /** The name used in the API and in story items: {@code tag}, {@code link}, {@code phrase}. */
    public String wireName() {
        return wireName;
    }

    public static TrendKind fromCode(int code) {
        for (TrendKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown trend kind code " + code);
    }

    public static Optional<TrendKind> parse(String name) {
        for (TrendKind k : values()) {
            if (k.wireName.equals(name)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
