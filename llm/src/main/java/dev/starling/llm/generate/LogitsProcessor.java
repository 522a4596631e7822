package dev.starling.llm.generate;

/**
 * Changes a sequence's next-token logits before the {@link Sampler} sees them (before its repetition penalty,
 * temperature, top-k/top-p/min-p and greedy choice), so greedy and sampled decoding both use the result. One
 * instance serves one {@link GenerationRequest}; it is called on the engine's decode thread once per generated token,
 * in order, and must be fast (it runs inside the batch step of every sequence) and must not block.
 *
 * <p>An example is a copy mixture ({@code ai.backend.CopyMixture}): the model's distribution mixed with one that
 * continues spans of given evidence texts.
 */
@FunctionalInterface
public interface LogitsProcessor {

    /**
     * Adjusts {@code logits} (one per vocabulary id) in place.
     *
     * @param logits      the model's logits for the next token; whatever this leaves is what the sampler gets
     * @param history     the prompt followed by the tokens generated so far; only the first {@code length} count
     * @param promptTokens how many of those are the prompt (the output starts at this index)
     * @param length      prompt plus output tokens so far
     */
    void process(float[] logits, int[] history, int promptTokens, int length);
}
