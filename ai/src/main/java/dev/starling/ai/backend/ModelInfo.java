package dev.starling.ai.backend;

/**
 * A model a backend serves.
 *
 * @param id                the name requests use
 * @param createdEpochSeconds when it was made or loaded (OpenAI's {@code created})
 * @param ownedBy           who provides it (OpenAI's {@code owned_by})
 */
public record ModelInfo(String id, long createdEpochSeconds, String ownedBy) {
}
