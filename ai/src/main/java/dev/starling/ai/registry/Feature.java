package dev.starling.ai.registry;

import java.util.Locale;
import java.util.Optional;

/** The parts of Starling that use a model; each is served by one model of the {@link ModelRegistry} at a time. */
public enum Feature {
    ASK, EXPLAIN, SUMMARIZE, ASSISTANT, TRENDS, COMPOSE;

    /** The lower-case name the API uses ({@code ask}, {@code explain}...). */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Feature> parse(String name) {
        for (Feature f : values()) {
            if (f.apiName().equals(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
