package dev.starling.ai.backend;

/**
 * What a chat or text completion produced.
 *
 * @param model        the model that answered
 * @param text         the generated text (stop string excluded)
 * @param finishReason why it ended
 * @param usage        prompt and completion token counts
 */
public record Completion(String model, String text, FinishReason finishReason, Usage usage) {
}
