package dev.starling.ai.registry;

import java.util.Objects;

/**
 * A model Starling has.
 *
 * @param id             the registry's name for it (also the model name requests to its backend use)
 * @param kind           in-process GGUF or an OpenAI-compatible server
 * @param location       the GGUF path, or the server's base URL
 * @param family         {@code general.architecture} (llama, qwen2...), or {@code remote}
 * @param sizeBytes      the file's size; -1 when unknown (remote)
 * @param parameterCount the number of weights; -1 when unknown (remote)
 * @param contextTokens  the context length the prompts must fit in
 * @param modelCard      the GGUF's {@code starling.model_card} (models trained here), or null
 */
public record ModelEntry(String id, Kind kind, String location, String family, long sizeBytes, long parameterCount,
        int contextTokens, String modelCard) {

    public enum Kind { LOCAL, REMOTE }

    public ModelEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(family, "family");
        if (contextTokens < 1) {
            throw new IllegalArgumentException("contextTokens must be positive, got " + contextTokens);
        }
    }
}
