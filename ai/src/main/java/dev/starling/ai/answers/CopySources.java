package dev.starling.ai.answers;

import dev.starling.ai.backend.CopyEvidence;
import dev.starling.ai.prompts.QuotedPost;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What copy-augmented decoding ({@code ai.backend.CopyMixture}) copies from: the posts quoted in the prompt, and only
 * those (they are the evidence the reader may see), each with its citation marker after every sentence.
 */
public final class CopySources {

    private static final Pattern SENTENCE_END = Pattern.compile("([.!?\u2026]+)(\\s+|$)");

    private CopySources() {
    }

    /** The copy evidence for a prompt quoting {@code posts}, at copy weight {@code weight}. */
    public static CopyEvidence evidence(List<QuotedPost> posts, double weight) {
        return CopyEvidence.of(posts.stream().map(CopySources::text).toList(), weight);
    }

    /**
     * A quoted post as the mixture copies from it: its text with its marker after every sentence and at the end
     * ({@code "Saw it. [2] Amazing. [2]"}), so that an answer copying a sentence of post n goes on to cite [n], and the
     * marker then points the mixture at the next clause not yet copied.
     */
    public static String text(QuotedPost p) {
        String marker = " [" + p.number() + "]";
        String text = SENTENCE_END.matcher(p.text().strip()).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + marker
                + m.group(2)));
        return text.endsWith(marker) ? text : text + marker;
    }
}
