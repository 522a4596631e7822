package dev.starling.ai.backend;

/**
 * Receives generated text as it is produced. Deltas are whole characters and never contain (part of) a stop
 * string; their concatenation is the completion's text. Called on the generating thread.
 */
@FunctionalInterface
public interface DeltaListener {

    DeltaListener NONE = delta -> { };

    void onDelta(String text);

    /** Polled between tokens: true stops generation early (e.g. the HTTP client went away). */
    default boolean cancelled() {
        return false;
    }
}
