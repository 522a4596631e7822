package dev.starling.ai.backend;

import java.util.List;

/**
 * Embedding vectors, one per input in input order, each L2-normalized.
 *
 * @param usage prompt tokens of all inputs (completion tokens 0)
 */
public record Embeddings(String model, List<float[]> vectors, Usage usage) {

    public Embeddings {
        vectors = List.copyOf(vectors);
    }
}
