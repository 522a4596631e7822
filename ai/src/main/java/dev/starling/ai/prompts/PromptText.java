package dev.starling.ai.prompts;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How untrusted text (posts, questions, drafts) enters a prompt. It is escaped so that it cannot
 * <ul>
 * <li>close or open a quoted block: the block delimiters are {@code <<<post n ...>>>} and {@code <<<end post n>>>};
 *     inside untrusted text no two {@code <} or {@code >} stay adjacent ({@code <<<} becomes {@code < < <});</li>
 * <li>pose as chat-template control text: {@code <|...|>} (ChatML, Llama 3, Phi), {@code <s>}, {@code </s>},
 *     {@code <start_of_turn>}, {@code [INST]}... become {@code < |}, {@code < s>}, {@code [ INST]}: a {@code <}
 *     directly followed by a letter, {@code /}, {@code |} or {@code !} gets a space after it, and so does a
 *     {@code [} before {@code INST}, {@code /INST}, {@code SYS}; {@code |>} becomes {@code | >};</li>
 * <li>carry invisible control characters (removed, except line breaks and tabs, which become spaces in
 *     single-line fields).</li>
 * </ul>
 * Escaping is idempotent in effect: escaped text contains none of the patterns above.
 */
public final class PromptText {

    /**
     * Opens a post block: {@code <<<post 3 by @alice on 2026-11-29, related>>>} (short: small models have small
     * contexts; the number maps to the post id outside the prompt).
     */
    public static final String OPEN = "<<<post ";
    /** Closes a post block: {@code <<<end post 3>>>}. */
    public static final String CLOSE = "<<<end post ";

    private static final Pattern ADJACENT_LT = Pattern.compile("(?<=<)(?=<)");
    private static final Pattern ADJACENT_GT = Pattern.compile("(?<=>)(?=>)");
    private static final Pattern TAG_LIKE = Pattern.compile("<(?=[\\p{L}/|!?])");
    private static final Pattern PIPE_GT = Pattern.compile("\\|(?=>)");
    private static final Pattern INST = Pattern.compile("\\[(?=/?(?:INST|SYS|AVAILABLE_TOOLS|TOOL_CALLS)\\b)", Pattern.CASE_INSENSITIVE);
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}\\p{Cf}&&[^\\n\\t]]");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private PromptText() {
    }

    /** Untrusted text made safe to place anywhere in a prompt (line breaks kept). */
    public static String escape(String untrusted) {
        String s = CONTROL.matcher(untrusted).replaceAll("");
        s = ADJACENT_LT.matcher(s).replaceAll(" ");
        s = ADJACENT_GT.matcher(s).replaceAll(" ");
        s = TAG_LIKE.matcher(s).replaceAll("< ");
        s = PIPE_GT.matcher(s).replaceAll("| ");
        s = INST.matcher(s).replaceAll("[ ");
        // the replacements above may have made "<" + ">" neighbours again only through spaces, never adjacent
        return s;
    }

    /** Untrusted text on one line (tabs and line breaks become spaces). */
    public static String escapeLine(String untrusted) {
        return escape(untrusted).replaceAll("[\\n\\t\\r]+", " ").strip();
    }

    /** One post as a delimited, quoted block. */
    public static String quote(QuotedPost p) {
        return OPEN + p.number() + " by @" + escapeLine(p.authorHandle()) + " on " + DAY.format(p.createdAt())
                + (p.role().isEmpty() ? "" : ", " + escapeLine(p.role())) + ">>>\n"
                + escape(p.text()).strip() + "\n" + CLOSE + p.number() + ">>>";
    }

    /** Posts as consecutive blocks, or {@code (no posts)}. */
    public static String quoteAll(List<QuotedPost> posts) {
        if (posts.isEmpty()) {
            return "(no posts)";
        }
        StringBuilder sb = new StringBuilder();
        for (QuotedPost p : posts) {
            if (!sb.isEmpty()) {
                sb.append("\n\n");
            }
            sb.append(quote(p));
        }
        return sb.toString();
    }
}
