package dev.starling.ai.trends;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What one post contributes to the counters: its hashtags (lower-cased, as social stores them in
 * {@code post_tags}), its links ({@link Links#normalize}) and its phrases ({@link Phrases#of}), each once. A post
 * marked sensitive or behind a content warning gives only its hashtags (as Mastodon, whose link trends skip such
 * posts): its words and links must not surface on a public trends page.
 */
public final class TrendTerms {

    public static final int MAX_TERM_CHARS = Links.MAX_URL_CHARS;
    public static final int MAX_TAG_CHARS = 140;
    public static final int MAX_LINKS_PER_POST = 10;
    public static final int MAX_TAGS_PER_POST = 30;

    /** One (kind, term) pair. */
    public record Term(TrendKind kind, String term) {
    }

    private TrendTerms() {
    }

    public static List<Term> of(String text, List<String> hashtags, List<String> urls) {
        return of(text, hashtags, urls, false);
    }

    public static List<Term> of(String text, List<String> hashtags, List<String> urls, boolean sensitive) {
        Set<Term> out = new LinkedHashSet<>();
        int tags = 0;
        for (String h : hashtags) {
            String t = h.toLowerCase(Locale.ROOT);
            if (!t.isEmpty() && t.length() <= MAX_TAG_CHARS && tags < MAX_TAGS_PER_POST && out.add(new Term(TrendKind.TAG, t))) {
                tags++;
            }
        }
        if (sensitive) {
            return new ArrayList<>(out);
        }
        int links = 0;
        for (String u : urls) {
            if (links >= MAX_LINKS_PER_POST) {
                break;
            }
            var n = Links.normalize(u);
            if (n.isPresent() && out.add(new Term(TrendKind.LINK, n.get()))) {
                links++;
            }
        }
        for (String p : Phrases.of(text)) {
            out.add(new Term(TrendKind.PHRASE, p));
        }
        return new ArrayList<>(out);
    }
}
