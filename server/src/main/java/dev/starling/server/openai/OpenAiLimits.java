package dev.starling.server.openai;

/**
 * What one request to the OpenAI-compatible API may ask for.
 *
 * @param maxBodyBytes        largest request body
 * @param maxTokensCap        largest {@code max_tokens}
 * @param defaultMaxTokens    {@code max_tokens} when the request gives none
 * @param maxPromptChars      longest prompt, or all message contents together
 * @param maxMessages         most messages in a chat request
 * @param maxEmbeddingInputs  most texts in one embeddings request
 */
public record OpenAiLimits(long maxBodyBytes, int maxTokensCap, int defaultMaxTokens, int maxPromptChars,
        int maxMessages, int maxEmbeddingInputs) {

    public static final OpenAiLimits DEFAULT = new OpenAiLimits(1 << 20, 4096, 1024, 256 * 1024, 256, 64);

    public OpenAiLimits {
        if (maxBodyBytes < 1024 || maxTokensCap < 1 || defaultMaxTokens < 1 || defaultMaxTokens > maxTokensCap
                || maxPromptChars < 1 || maxMessages < 1 || maxEmbeddingInputs < 1) {
            throw new IllegalArgumentException("inconsistent OpenAI API limits: body " + maxBodyBytes + " B, max_tokens cap "
                    + maxTokensCap + ", default " + defaultMaxTokens + ", prompt " + maxPromptChars + " chars, "
                    + maxMessages + " messages, " + maxEmbeddingInputs + " embedding inputs");
        }
    }
}
