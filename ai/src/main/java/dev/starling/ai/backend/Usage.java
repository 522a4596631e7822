package dev.starling.ai.backend;

/** Token counts of one call. */
public record Usage(int promptTokens, int completionTokens) {

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
