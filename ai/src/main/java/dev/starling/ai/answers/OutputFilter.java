package dev.starling.ai.answers;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes a model's streamed text safe to show, piece by piece, as plain text:
 * <ul>
 * <li>citations {@code [n]} (also {@code [1, 3]}) keep only the numbers of the posts the model was given
 *     ({@code 1..evidenceCount}); a citation with no valid number is removed, never shown; other square brackets
 *     become parentheses, so every {@code [n]} in the output is a valid citation;</li>
 * <li>links to other sites become {@code (link removed)}; links to this instance ({@code allowedHosts}) stay;</li>
 * <li>HTML tags and control characters are removed (a {@code <} that would still open a tag becomes
 *     {@code \u2039}); leading white space is dropped.</li>
 * </ul>
 * Text is held back while it may still be part of a citation, tag or link (until the next white space outside
 * brackets), so what {@link #push} returns is final; the concatenation of all returned pieces equals what filtering
 * the whole text at once gives, whatever the pieces were. Not thread-safe (one per generation).
 */
public final class OutputFilter {

    public static final String LINK_REMOVED = "(link removed)";
    /** Longest text held back without a white space before it is filtered as it is. */
    static final int MAX_HOLD_CHARS = 1024;
    private static final int MAX_TAG_CHARS = 256;

    private static final Pattern TAG = Pattern.compile("</?[A-Za-z!?][^<>]{0," + MAX_TAG_CHARS + "}>");
    private static final Pattern CITATION_OR_BRACKET = Pattern.compile("\\[\\s*(\\d{1,4}(?:\\s*[,;]\\s*\\d{1,4})*)\\s*]|[\\[\\]]");
    private static final Pattern TAG_START = Pattern.compile("<(?=/?[A-Za-z!?])");
    private static final Pattern LINK = Pattern.compile("(?i)(?:\\b[a-z][a-z0-9+.-]{0,15}://[^\\s<>\"'()\\[\\]]+"
            + "|\\bwww\\.[^\\s<>\"'()\\[\\]]+"
            + "|\\b(?:[a-z0-9-]{1,63}\\.)+(?:com|net|org|io|co|ly|me|info|biz|xyz|app|dev|ru|cn|tk|link|click|top|site"
            + "|online|gg|tv|us|uk|de|fr|ai|sh|to)\\b(?:/[^\\s<>\"'()\\[\\]]*)?)");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}\\p{Cf}&&[^\\n\\t]]");

    private final int evidenceCount;
    private final Set<String> allowedHosts;
    private final StringBuilder pending = new StringBuilder();
    private final StringBuilder text = new StringBuilder();
    private final LinkedHashSet<Integer> cited = new LinkedHashSet<>();
    private boolean started;

    /**
     * @param evidenceCount how many posts the prompt quoted (valid citations are 1..evidenceCount; 0: none)
     * @param allowedHosts  hosts whose links may stay (this instance), lower case
     */
    public OutputFilter(int evidenceCount, Set<String> allowedHosts) {
        this.evidenceCount = evidenceCount;
        this.allowedHosts = Set.copyOf(allowedHosts);
    }

    /** Takes the next piece of model text; returns the text that is now final (may be empty). */
    public String push(String delta) {
        pending.append(CONTROL.matcher(delta).replaceAll(""));
        int cut = safeCut();
        if (cut <= 0) {
            return "";
        }
        String ready = pending.substring(0, cut);
        pending.delete(0, cut);
        return emit(ready);
    }

    /** The rest, at the end of generation. */
    public String finish() {
        String ready = pending.toString();
        pending.setLength(0);
        return emit(ready);
    }

    /** All text returned so far (trailing white space trimmed). */
    public String text() {
        return text.toString().stripTrailing();
    }

    /** The valid citation numbers the text used, in order of first use. */
    public List<Integer> cited() {
        return new ArrayList<>(cited);
    }

    /**
     * Where the pending text may be cut: after the last white space that no citation or tag can span, i.e. one with
     * no unclosed {@code [} before it (a citation may be in progress) and no {@code <} within a tag's length before it
     * that no {@code >} follows (a tag may be in progress). These cover more than the patterns can match, so cutting
     * there never changes what the patterns find; a lone {@code [} holds text back until {@link #MAX_HOLD_CHARS}.
     */
    private int safeCut() {
        for (int w = pending.length() - 1; w >= 0; w--) {
            if (Character.isWhitespace(pending.charAt(w)) && safeAt(w)) {
                return w + 1;
            }
        }
        return pending.length() > MAX_HOLD_CHARS ? pending.length() : 0;
    }

    private boolean safeAt(int w) {
        for (int i = w - 1; i >= 0; i--) {
            char c = pending.charAt(i);
            if (c == ']') {
                break;
            }
            if (c == '[') {
                return false;
            }
        }
        for (int i = w - 1; i >= 0 && w - i <= MAX_TAG_CHARS + 8; i--) {
            char c = pending.charAt(i);
            if (c == '>') {
                break;
            }
            if (c == '<') {
                return false;
            }
        }
        return true;
    }

    private String emit(String raw) {
        if (raw.isEmpty()) {
            return "";
        }
        String s = citations(raw);
        s = TAG.matcher(s).replaceAll("");
        s = TAG_START.matcher(s).replaceAll("\u2039"); // a tag put together by a removal ("<<b>b>") stays text
        s = links(s);
        if (!started) {
            s = s.stripLeading();
            if (s.isEmpty()) {
                return "";
            }
            started = true;
        }
        text.append(s);
        return s;
    }

    /**
     * Valid citations become {@code [n]}, invalid ones vanish, and every other square bracket becomes a parenthesis,
     * so that no {@code [n]} can appear except a valid citation (not even one left over by a removal: {@code [[12]3]}).
     */
    private String citations(String s) {
        Matcher m = CITATION_OR_BRACKET.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            if (m.group(1) == null) {
                m.appendReplacement(out, m.group().equals("[") ? "(" : ")");
                continue;
            }
            StringBuilder keep = new StringBuilder();
            for (String part : m.group(1).split("\\s*[,;]\\s*")) {
                int n = Integer.parseInt(part.strip());
                if (n >= 1 && n <= evidenceCount) {
                    keep.append('[').append(n).append(']');
                    cited.add(n);
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(keep.toString()));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String links(String s) {
        Matcher m = LINK.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String link = m.group();
            m.appendReplacement(out, Matcher.quoteReplacement(allowedHosts.contains(host(link)) ? link : LINK_REMOVED));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String host(String link) {
        String s = link;
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            s = s.substring(scheme + 3);
        }
        int at = s.indexOf('@');
        int slash = s.indexOf('/');
        if (at >= 0 && (slash < 0 || at < slash)) {
            s = s.substring(at + 1);
        }
        int end = s.length();
        for (char c : new char[]{'/', ':', '?', '#'}) {
            int i = s.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        return s.substring(0, end).toLowerCase(Locale.ROOT);
    }
}
