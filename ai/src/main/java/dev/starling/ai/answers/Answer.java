package dev.starling.ai.answers;

import dev.starling.ai.backend.Usage;
import dev.starling.ai.prompts.PromptRef;
import dev.starling.ai.registry.Feature;
import java.util.List;

/**
 * What an AI feature produced, with where it came from.
 *
 * @param feature          which feature
 * @param text             plain text (no HTML; citations only as valid {@code [n]}; no links to other sites)
 * @param citations        the references the text uses, each resolved to a post the viewer may see
 * @param evidencePostIds  every post the model was given, in reference order ({@code [1]} first)
 * @param modelId          the model that wrote it; null when no model was called ({@code no_evidence})
 * @param prompt           the prompt that produced it; null when no model was called
 * @param finishReason     {@code stop}, {@code length} (token limit), {@code timeout}, {@code cancelled},
 *                         {@code no_evidence}
 * @param usage            prompt and completion tokens (zero when no model was called)
 * @param firstTextMillis  from the request to the first text shown; -1 when none
 * @param totalMillis      from the request to the end
 * @param copyWeight       the copy weight of the decoding that wrote it (copy-augmented decoding from the evidence
 *                         posts, {@code ai.backend.CopyMixture}); 0 when none: no model called, no evidence, or a
 *                         remote OpenAI-compatible model (which never gets a copy mixture)
 */
public record Answer(Feature feature, String text, List<Citation> citations, List<Long> evidencePostIds, String modelId,
        PromptRef prompt, String finishReason, Usage usage, long firstTextMillis, long totalMillis, double copyWeight) {

    public static final String NO_EVIDENCE = "no_evidence";

    /** An answer decoded without a copy mixture. */
    public Answer(Feature feature, String text, List<Citation> citations, List<Long> evidencePostIds, String modelId,
            PromptRef prompt, String finishReason, Usage usage, long firstTextMillis, long totalMillis) {
        this(feature, text, citations, evidencePostIds, modelId, prompt, finishReason, usage, firstTextMillis, totalMillis, 0);
    }

    public Answer {
        citations = List.copyOf(citations);
        evidencePostIds = List.copyOf(evidencePostIds);
    }

    /** The ids of the cited posts, in order of first citation. */
    public List<Long> citedPostIds() {
        return citations.stream().map(Citation::postId).toList();
    }
}
