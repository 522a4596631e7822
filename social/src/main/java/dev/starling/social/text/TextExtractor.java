package dev.starling.social.text;

import com.twitter.twittertext.Extractor;
import com.twitter.twittertext.TldLists;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * twitter-text's {@link Extractor} for one text at a time, with the same results and a cheaper URL
 * pass. twitter-text's URL regular expression ({@code Regex.VALID_URL}) is the costly part of
 * entity extraction (about a third of the request CPU of {@code POST /api/v1/statuses} in a
 * profile), and the library runs it several times for one text: once for the URLs, again inside
 * {@link #extractHashtags} (to drop hashtags inside URLs) and inside
 * {@link #extractEntitiesWithIndices}. This extractor:
 * <ul>
 *   <li>skips the expression when the text cannot contain a URL ({@link #mayContainUrl}), and</li>
 *   <li>remembers the URLs of the last text it scanned, so that the library's own repeated calls
 *       for the same text do not scan it again.</li>
 * </ul>
 * Every other method is the library's, so hashtags, mentions, cashtags and the overlap rules are
 * twitter-text's. Not thread-safe: use one instance per thread (they are cheap to create).
 */
public final class TextExtractor extends Extractor {

    /** Lower-cased ASCII characters that begin a TLD (or punycode's {@code xn--}). */
    private static final boolean[] ASCII_TLD_START = new boolean[128];
    /** Non-ASCII UTF-16 units that begin a TLD (matched exactly: the URL pattern folds ASCII case only). */
    private static final Set<Character> OTHER_TLD_START = new HashSet<>();

    static {
        List<String> tlds = new ArrayList<>(TldLists.GTLDS);
        tlds.addAll(TldLists.CTLDS);
        tlds.add("xn--"); // Regex.URL_PUNYCODE
        for (String tld : tlds) {
            if (tld.isEmpty()) {
                throw new IllegalStateException("twitter-text lists an empty TLD");
            }
            char c = tld.charAt(0);
            if (c < 128) {
                ASCII_TLD_START[Character.toLowerCase(c)] = true;
            } else {
                OTHER_TLD_START.add(c);
            }
        }
    }

    private String lastText;
    private List<Entity> lastUrls;

    /**
     * False only when twitter-text's URL pattern cannot match anywhere in {@code text}. Every
     * alternative of its domain part ({@code Regex.URL_VALID_DOMAIN}) ends with a domain label, a
     * {@code '.'} and then a TLD from {@link TldLists} or punycode ({@code xn--...}), with ASCII
     * case folded and nothing else. So a URL needs some {@code '.'} directly followed by the first
     * character of a TLD; a text where no {@code '.'} is ("end.", "e. g", "3.5") has none.
     */
    public static boolean mayContainUrl(String text) {
        for (int i = text.indexOf('.'); i >= 0 && i + 1 < text.length(); i = text.indexOf('.', i + 1)) {
            char next = text.charAt(i + 1);
            if (next < 128 ? ASCII_TLD_START[asciiLower(next)] : OTHER_TLD_START.contains(next)) {
                return true;
            }
        }
        return false;
    }

    private static char asciiLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    @Override
    public List<Entity> extractURLsWithIndices(String text) {
        if (text == null || text.isEmpty() || !mayContainUrl(text)) {
            return Collections.emptyList();
        }
        if (text != lastText) {
            lastUrls = super.extractURLsWithIndices(text);
            lastText = text;
        }
        return new ArrayList<>(lastUrls);
    }
}
