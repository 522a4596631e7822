package dev.starling.social.posts;

import com.twitter.twittertext.Extractor;
import com.twitter.twittertext.TwitterTextConfiguration;
import com.twitter.twittertext.TwitterTextParser;
import dev.starling.social.common.Outcome;
import dev.starling.social.common.Rejection;
import dev.starling.social.text.TextExtractor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Post text rules, by twitter-text: the weighted length (URLs count 23, CJK and emoji 2) must be
 * 1..{@code maxWeightedLength} (default 280), and the text must not contain the characters
 * twitter-text forbids (U+FFFE, U+FEFF, U+FFFF). Entities are extracted with twitter-text's
 * {@link Extractor} (as {@link TextExtractor}, which scans for URLs at most once per text).
 */
public final class PostText {

    public static final int DEFAULT_MAX_WEIGHTED_LENGTH = 280;
    /** Hard cap on raw UTF-16 length checked before parsing, whatever the configured limit. */
    public static final int MAX_RAW_CHARS = 20_000;
    public static final int MAX_SPOILER_CHARS = 500;

    /** What the extractor found, before resolving mentions to accounts. */
    public record Extracted(List<String> hashtags, List<String> mentionedUsernames, List<String> urls, List<String> cashtags) {
    }

    private final int maxWeightedLength;

    public PostText(int maxWeightedLength) {
        if (maxWeightedLength < 1 || maxWeightedLength > 10_000) {
            throw new IllegalArgumentException("maxWeightedLength must be 1..10000, was " + maxWeightedLength);
        }
        this.maxWeightedLength = maxWeightedLength;
    }

    public int maxWeightedLength() {
        return maxWeightedLength;
    }

    /** Weighted length as twitter-text counts it. */
    public static int weightedLength(String text) {
        return TwitterTextParser.parseTweet(text).weightedLength;
    }

    /** Empty when the text is acceptable, else why not. */
    public Optional<Rejection> validate(String text) {
        Optional<Rejection> bad = precheck(text);
        return bad.isPresent() ? bad : lengthRejection(TwitterTextParser.parseTweet(text).weightedLength);
    }

    /**
     * Validates and extracts in one pass over the text: what {@link #validate} and {@link #extract}
     * give separately, for the write path. The URLs are found once ({@link TextExtractor}) and serve
     * the length, the hashtags (which twitter-text drops inside URLs) and the URL list. The weighted
     * length of a plain ASCII text follows from them without twitter-text's full parse
     * ({@link #asciiWeightedLength}); other texts get the full parse (normalisation, emoji, URLs).
     */
    public Outcome<Extracted> validateAndExtract(String text) {
        Optional<Rejection> bad = precheck(text);
        if (bad.isPresent()) {
            return Outcome.rejected(bad.get());
        }
        Extractor ex = new TextExtractor(); // one URL pass for validation and every entity kind
        List<Extractor.Entity> urls = ex.extractURLsWithIndices(text);
        bad = lengthRejection(weightedLength(text, urls));
        if (bad.isPresent()) {
            return Outcome.rejected(bad.get());
        }
        List<String> urlTexts = new ArrayList<>(urls.size());
        for (Extractor.Entity e : urls) {
            urlTexts.add(e.getValue());
        }
        return Outcome.ok(extract(ex, text, urlTexts));
    }

    /** The weighted length by the fast rule of {@link #validateAndExtract} (for tests that hold it to twitter-text). */
    static int fastWeightedLength(String text) {
        return weightedLength(text, new TextExtractor().extractURLsWithIndices(text));
    }

    private static int weightedLength(String text, List<Extractor.Entity> urls) {
        return isPlainAscii(text) ? asciiWeightedLength(text, urls) : TwitterTextParser.parseTweet(text).weightedLength;
    }

    /** True when the default configuration weighs every ASCII character 1 (twitter-text v3 does). */
    private static final boolean ASCII_WEIGHS_ONE = asciiWeighsOne(TwitterTextParser.TWITTER_TEXT_DEFAULT_CONFIG);
    private static final int URL_WEIGHT = TwitterTextParser.TWITTER_TEXT_DEFAULT_CONFIG.getTransformedURLLength();

    private static boolean asciiWeighsOne(TwitterTextConfiguration config) {
        for (int c = 0; c < 0x80; c++) {
            int weight = config.getDefaultWeight();
            for (TwitterTextConfiguration.TwitterTextWeightedRange r : config.getRanges()) {
                if (r.getRange().isInRange(c)) {
                    weight = r.getWeight();
                    break;
                }
            }
            if (weight != config.getScale()) {
                return false;
            }
        }
        return true;
    }

    /**
     * twitter-text's weighted length of a plain ASCII text with these URLs, as its parser counts it:
     * NFC leaves ASCII alone, no ASCII sequence is an emoji, every character weighs 1 and every URL
     * {@code getTransformedURLLength()} (23) whatever its length.
     */
    private static int asciiWeightedLength(String text, List<Extractor.Entity> urls) {
        int weighted = text.length();
        for (Extractor.Entity u : urls) {
            weighted += URL_WEIGHT - (u.getEnd() - u.getStart());
        }
        return weighted;
    }

    /**
     * ASCII, and not empty after {@link String#trim} (twitter-text weighs such a text 0, whatever
     * its length), and the configuration weighs ASCII 1 a character.
     */
    private static boolean isPlainAscii(String text) {
        if (!ASCII_WEIGHS_ONE || text.trim().isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private Optional<Rejection> precheck(String text) {
        if (text == null || text.isBlank()) {
            return Optional.of(new Rejection(Rejection.Kind.INVALID, "text can't be blank"));
        }
        if (text.length() > MAX_RAW_CHARS) {
            return Optional.of(new Rejection(Rejection.Kind.INVALID,
                    "text is too long (maximum is " + maxWeightedLength + " characters)"));
        }
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '\uFFFE' || ch == '\uFEFF' || ch == '\uFFFF' || ch == '\0') {
                return Optional.of(new Rejection(Rejection.Kind.INVALID,
                        String.format("text contains a forbidden character U+%04X at index %d", (int) ch, i)));
            }
        }
        return Optional.empty();
    }

    private Optional<Rejection> lengthRejection(int weightedLength) {
        if (weightedLength > maxWeightedLength) {
            return Optional.of(new Rejection(Rejection.Kind.INVALID,
                    "text is too long (" + weightedLength + " weighted characters, maximum is " + maxWeightedLength + ")"));
        }
        return Optional.empty();
    }

    /** Extracts entities; hashtags and mentions deduplicated case-insensitively, in text order. */
    public static Extracted extract(String text) {
        Extractor ex = new TextExtractor();
        return extract(ex, text, ex.extractURLs(text));
    }

    private static Extracted extract(Extractor ex, String text, List<String> urls) {
        List<String> tags = dedupe(ex.extractHashtags(text));
        List<String> mentions = new ArrayList<>();
        for (Extractor.Entity e : ex.extractMentionedScreennamesWithIndices(text)) {
            // twitter-text caps screen names at 20 characters; Mastodon usernames go to 30.
            int end = e.getEnd();
            while (end < text.length() && end - e.getStart() - 1 < 30 && isUsernameChar(text.charAt(end))) {
                end++;
            }
            if (end < text.length() && (isUsernameChar(text.charAt(end)))) {
                continue; // longer than any valid username
            }
            mentions.add(text.substring(e.getStart() + 1, end));
        }
        return new Extracted(tags, dedupe(mentions), List.copyOf(new LinkedHashSet<>(urls)),
                dedupe(ex.extractCashtags(text)));
    }

    private static boolean isUsernameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    private static List<String> dedupe(List<String> in) {
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        List<String> out = new ArrayList<>();
        for (String s : in) {
            if (seen.add(s.toLowerCase(Locale.ROOT))) {
                out.add(s);
            }
        }
        return out;
    }
}
