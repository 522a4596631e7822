package dev.starling.llm.generate;

import java.util.List;

/**
 * One completion to run: either prompt token ids or prompt text (tokenized with the model's
 * tokenizer, BOS added when the vocabulary asks for it and special-token text recognized).
 *
 * @param maxTokens most tokens to generate (1..1,000,000); fewer when the context fills up ("length")
 * @param stop      strings that end the generation when they appear in the output (not included in the text)
 * @param processor changes each step's logits before the sampler (for example a copy mixture); null for none
 */
public record GenerationRequest(int[] promptIds, String prompt, SamplingParams sampling, int maxTokens, List<String> stop,
        LogitsProcessor processor) {
    /** Limits on a request. */
    public static final int MAX_STOP_STRINGS = 16;
    public static final int MAX_STOP_CHARS = 1000;
    public static final int MAX_TOKENS = 1_000_000;

    public GenerationRequest {
        if ((promptIds == null) == (prompt == null)) {
            throw new IllegalArgumentException("give exactly one of promptIds and prompt");
        }
        if (promptIds != null && promptIds.length == 0) {
            throw new IllegalArgumentException("promptIds is empty: give at least one token");
        }
        if (sampling == null) {
            sampling = SamplingParams.greedy();
        }
        if (maxTokens < 1 || maxTokens > MAX_TOKENS) {
            throw new IllegalArgumentException("maxTokens must be 1.." + MAX_TOKENS + ", got " + maxTokens);
        }
        stop = stop == null ? List.of() : List.copyOf(stop);
        if (stop.size() > MAX_STOP_STRINGS) {
            throw new IllegalArgumentException("at most " + MAX_STOP_STRINGS + " stop strings, got " + stop.size());
        }
        for (String s : stop) {
            if (s.isEmpty() || s.length() > MAX_STOP_CHARS) {
                throw new IllegalArgumentException("a stop string must have 1.." + MAX_STOP_CHARS + " chars, got " + s.length());
            }
        }
        promptIds = promptIds == null ? null : promptIds.clone();
    }

    /** A request without a logits processor. */
    public GenerationRequest(int[] promptIds, String prompt, SamplingParams sampling, int maxTokens, List<String> stop) {
        this(promptIds, prompt, sampling, maxTokens, stop, null);
    }

    /** The same request with {@code p} applied to each step's logits before sampling. */
    public GenerationRequest withProcessor(LogitsProcessor p) {
        return new GenerationRequest(promptIds, prompt, sampling, maxTokens, stop, p);
    }

    public static GenerationRequest ofText(String prompt, SamplingParams sampling, int maxTokens, List<String> stop) {
        return new GenerationRequest(null, prompt, sampling, maxTokens, stop);
    }

    public static GenerationRequest ofTokens(int[] promptIds, SamplingParams sampling, int maxTokens, List<String> stop) {
        return new GenerationRequest(promptIds, null, sampling, maxTokens, stop);
    }
}
