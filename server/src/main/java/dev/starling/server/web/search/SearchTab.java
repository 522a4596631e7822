package dev.starling.server.web.search;

import java.util.Locale;

/** The tabs of the search page: posts by relevance ({@code top}, hybrid ranking) or newest first ({@code latest}), people, hashtags. */
public enum SearchTab {
    TOP("top", "Top"),
    LATEST("latest", "Latest"),
    PEOPLE("people", "People"),
    HASHTAGS("hashtags", "Hashtags");

    private final String code;
    private final String label;

    SearchTab(String code, String label) {
        this.code = code;
        this.label = label;
    }

    public String code() {
        return code;
    }

    public String label() {
        return label;
    }

    public boolean posts() {
        return this == TOP || this == LATEST;
    }

    /** The tab named by the {@code tab} query parameter; {@link #TOP} when absent; null when unknown. */
    static SearchTab parse(String s) {
        if (s == null || s.isBlank()) return TOP;
        for (SearchTab t : values()) {
            if (t.code.equals(s.trim().toLowerCase(Locale.ROOT))) return t;
        }
        return null;
    }
}
