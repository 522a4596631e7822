package dev.starling.ai.backend;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How to pick tokens, as OpenAI-compatible servers take it.
 *
 * @param temperature       0 for greedy decoding; 0..2
 * @param topP              nucleus mass, (0, 1]; 1 disables
 * @param topK              keep the k most likely tokens; 0 disables
 * @param minP              drop tokens below minP times the top probability, [0, 1); 0 disables
 * @param repetitionPenalty llama.cpp-style penalty on tokens already seen, [0.5, 2]... 1 disables; must be > 0
 * @param frequencyPenalty  OpenAI's, -2..2, subtracted per earlier occurrence
 * @param presencePenalty   OpenAI's, -2..2, subtracted once for any earlier occurrence
 * @param seed              makes sampling repeatable; empty for a random seed
 * @param maxTokens         most tokens to generate, at least 1
 * @param stop              stop strings (at most {@link #MAX_STOP_STRINGS}, none empty); the text ends before the
 *                          first one produced, which is not included
 */
public record SamplingParams(double temperature, double topP, int topK, double minP, double repetitionPenalty,
        double frequencyPenalty, double presencePenalty, OptionalLong seed, int maxTokens, List<String> stop) {

    public static final int MAX_STOP_STRINGS = 4;
    public static final int MAX_STOP_CHARS = 256;

    public SamplingParams {
        stop = List.copyOf(stop);
    }

    /** Greedy decoding of up to {@code maxTokens} tokens. */
    public static SamplingParams greedy(int maxTokens) {
        return new SamplingParams(0, 1, 0, 0, 1, 0, 0, OptionalLong.empty(), maxTokens, List.of());
    }

    /** OpenAI's defaults: temperature 1, top_p 1, no penalties. */
    public static SamplingParams defaults(int maxTokens) {
        return new SamplingParams(1, 1, 0, 0, 1, 0, 0, OptionalLong.empty(), maxTokens, List.of());
    }

    public SamplingParams withSeed(long s) {
        return new SamplingParams(temperature, topP, topK, minP, repetitionPenalty, frequencyPenalty, presencePenalty,
                OptionalLong.of(s), maxTokens, stop);
    }

    public SamplingParams withTemperature(double t) {
        return new SamplingParams(t, topP, topK, minP, repetitionPenalty, frequencyPenalty, presencePenalty, seed,
                maxTokens, stop);
    }

    public SamplingParams withStop(List<String> s) {
        return new SamplingParams(temperature, topP, topK, minP, repetitionPenalty, frequencyPenalty, presencePenalty,
                seed, maxTokens, s);
    }

    public SamplingParams withMaxTokens(int n) {
        return new SamplingParams(temperature, topP, topK, minP, repetitionPenalty, frequencyPenalty, presencePenalty,
                seed, n, stop);
    }

    /** The first thing wrong with these parameters, as a {@link BackendError} naming the parameter. */
    public Optional<BackendError> validate(int maxTokensCap) {
        if (!(temperature >= 0 && temperature <= 2)) {
            return invalid("temperature", "temperature must be between 0 and 2, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            return invalid("top_p", "top_p must be in (0, 1], got " + topP);
        }
        if (topK < 0) {
            return invalid("top_k", "top_k must be 0 (off) or positive, got " + topK);
        }
        if (!(minP >= 0 && minP < 1)) {
            return invalid("min_p", "min_p must be in [0, 1), got " + minP);
        }
        if (!(repetitionPenalty > 0 && repetitionPenalty <= 10)) {
            return invalid("repetition_penalty", "repetition_penalty must be in (0, 10], got " + repetitionPenalty);
        }
        if (!(frequencyPenalty >= -2 && frequencyPenalty <= 2)) {
            return invalid("frequency_penalty", "frequency_penalty must be between -2 and 2, got " + frequencyPenalty);
        }
        if (!(presencePenalty >= -2 && presencePenalty <= 2)) {
            return invalid("presence_penalty", "presence_penalty must be between -2 and 2, got " + presencePenalty);
        }
        if (maxTokens < 1) {
            return invalid("max_tokens", "max_tokens must be at least 1, got " + maxTokens);
        }
        if (maxTokens > maxTokensCap) {
            return invalid("max_tokens", "max_tokens is " + maxTokens + ", at most " + maxTokensCap + " allowed");
        }
        if (stop.size() > MAX_STOP_STRINGS) {
            return invalid("stop", "at most " + MAX_STOP_STRINGS + " stop strings, got " + stop.size());
        }
        for (String s : stop) {
            if (s == null || s.isEmpty()) {
                return invalid("stop", "stop strings must not be empty");
            }
            if (s.length() > MAX_STOP_CHARS) {
                return invalid("stop", "a stop string is " + s.length() + " characters, at most " + MAX_STOP_CHARS);
            }
        }
        return Optional.empty();
    }

    private static Optional<BackendError> invalid(String param, String message) {
        return Optional.of(BackendError.invalid(param, message));
    }
}
