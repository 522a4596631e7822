package dev.starling.llm.generate;

/**
 * The outcome of a generation: text (stop string excluded), generated token ids (end-of-generation
 * token excluded), why it finished, token counts and timings.
 */
public record GenerationResult(String text, int[] tokenIds, FinishReason finishReason, int promptTokens,
                               int completionTokens, long prefillNanos, long decodeNanos) {

    /** Prompt tokens per second of the prefill. */
    public double prefillTokensPerSecond() {
        return prefillNanos <= 0 ? 0 : promptTokens * 1e9 / prefillNanos;
    }

    /** Generated tokens per second after the first one (which comes from the prefill). */
    public double decodeTokensPerSecond() {
        return decodeNanos <= 0 || completionTokens <= 1 ? 0 : (completionTokens - 1) * 1e9 / decodeNanos;
    }
}
