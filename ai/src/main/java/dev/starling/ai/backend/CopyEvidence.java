package dev.starling.ai.backend;

import java.util.List;

/**
 * Texts an answer may copy from, for copy-augmented decoding ({@link CopyMixture}): only the evidence the reader may
 * see (the posts quoted in the prompt, already filtered by visibility). Only the engine in this process
 * ({@link LocalBackend}) uses it; an OpenAI-compatible server ({@link OpenAiHttpBackend}) gets no copy mixture and
 * ignores it.
 *
 * @param texts    the evidence texts, at most {@link CopyMixture#MAX_SOURCES}, each at most {@link #MAX_TEXT_CHARS}
 * @param weight   the copy weight (lambda) in [0, 1); 0 turns the mixture off
 * @param maxMatch the longest output suffix matched against the texts, 1..{@link CopyMixture#MAX_MATCH}
 */
public record CopyEvidence(List<String> texts, double weight, int maxMatch) {

    public static final int MAX_TEXT_CHARS = 10_000;

    public CopyEvidence {
        texts = List.copyOf(texts);
        if (texts.size() > CopyMixture.MAX_SOURCES) {
            throw new IllegalArgumentException("at most " + CopyMixture.MAX_SOURCES + " copy texts, got " + texts.size());
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i).length() > MAX_TEXT_CHARS) {
                throw new IllegalArgumentException("copy text " + i + " is " + texts.get(i).length() + " chars, at most "
                        + MAX_TEXT_CHARS);
            }
        }
        if (!(weight >= 0 && weight < 1)) {
            throw new IllegalArgumentException("the copy weight must be in [0, 1), got " + weight);
        }
        if (maxMatch < 1 || maxMatch > CopyMixture.MAX_MATCH) {
            throw new IllegalArgumentException("maxMatch must be 1.." + CopyMixture.MAX_MATCH + ", got " + maxMatch);
        }
    }

    public static CopyEvidence of(List<String> texts, double weight) {
        return new CopyEvidence(texts, weight, CopyMixture.DEFAULT_MAX_MATCH);
    }

    /** Whether this changes decoding at all. */
    public boolean active() {
        return weight > 0 && !texts.isEmpty();
    }
}
