package dev.starling.ai.backend;

import java.util.Objects;

/** A text completion request: the model continues {@code prompt} as is (no chat template). */
public record CompletionRequest(String model, String prompt, SamplingParams sampling) {

    public CompletionRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(sampling, "sampling");
    }
}
