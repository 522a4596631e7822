package dev.starling.app.model;

import dev.starling.ai.backend.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import picocli.CommandLine.Option;

/** Sampling flags shared by {@code generate} and {@code chat} (llama.cpp's names where they exist). */
public final class SamplingOptions {

    @Option(names = {"-n", "--max-tokens"}, defaultValue = "256", description = "Most tokens to generate. Default: ${DEFAULT-VALUE}")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.8", description = "0 for greedy decoding. Default: ${DEFAULT-VALUE}")
    double temperature;

    @Option(names = "--top-p", defaultValue = "0.95", description = "Nucleus mass, 1 = off. Default: ${DEFAULT-VALUE}")
    double topP;

    @Option(names = "--top-k", defaultValue = "40", description = "Keep the k most likely tokens, 0 = off. Default: ${DEFAULT-VALUE}")
    int topK;

    @Option(names = "--min-p", defaultValue = "0.05", description = "Drop tokens below min-p x the top probability. Default: ${DEFAULT-VALUE}")
    double minP;

    @Option(names = "--repeat-penalty", defaultValue = "1.0", description = "Penalty on recently seen tokens, 1 = off. Default: ${DEFAULT-VALUE}")
    double repeatPenalty;

    @Option(names = "--frequency-penalty", defaultValue = "0", description = "OpenAI's frequency penalty. Default: ${DEFAULT-VALUE}")
    double frequencyPenalty;

    @Option(names = "--presence-penalty", defaultValue = "0", description = "OpenAI's presence penalty. Default: ${DEFAULT-VALUE}")
    double presencePenalty;

    @Option(names = {"-s", "--seed"}, description = "Seed of the sampler (default: random)")
    Long seed;

    @Option(names = "--stop", description = "A stop string (repeatable)")
    List<String> stop = new ArrayList<>();

    SamplingParams params() {
        return new SamplingParams(temperature, topP, topK, minP, repeatPenalty, frequencyPenalty, presencePenalty,
                seed == null ? OptionalLong.empty() : OptionalLong.of(seed), maxTokens, stop);
    }
}
