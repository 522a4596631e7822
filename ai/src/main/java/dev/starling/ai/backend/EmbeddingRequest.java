package dev.starling.ai.backend;

import java.util.List;
import java.util.Objects;

/** Texts to embed, in order. */
public record EmbeddingRequest(String model, List<String> inputs) {

    public EmbeddingRequest {
        Objects.requireNonNull(model, "model");
        inputs = List.copyOf(inputs);
    }
}
