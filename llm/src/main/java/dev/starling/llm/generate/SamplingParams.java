package dev.starling.llm.generate;

/**
 * How the next token is chosen. temperature 0 means greedy (argmax after the repetition penalty).
 * Applied in llama.cpp's order: repetition penalty, top-k, top-p, min-p, temperature, draw.
 *
 * @param topK              keep the k most likely tokens; 0 = off
 * @param topP              keep the smallest set whose probability reaches p; 1 = off
 * @param minP              drop tokens below minP x the top probability; 0 = off
 * @param repetitionPenalty divide positive / multiply negative logits of recent tokens; 1 = off
 * @param repetitionWindow  how many recent tokens (prompt and output) the penalty looks at
 * @param seed              seed of the draw, so a request is reproducible
 */
public record SamplingParams(float temperature, int topK, float topP, float minP, float repetitionPenalty,
                             int repetitionWindow, long seed) {

    public SamplingParams {
        if (!(temperature >= 0 && temperature <= 100)) {
            throw new IllegalArgumentException("temperature must be in 0..100, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (!(minP >= 0 && minP < 1)) {
            throw new IllegalArgumentException("minP must be in [0, 1), got " + minP);
        }
        if (!(repetitionPenalty > 0 && repetitionPenalty <= 10)) {
            throw new IllegalArgumentException("repetitionPenalty must be in (0, 10], got " + repetitionPenalty);
        }
        if (repetitionWindow < 0 || repetitionWindow > 1 << 20) {
            throw new IllegalArgumentException("repetitionWindow must be in 0..1048576, got " + repetitionWindow);
        }
    }

    /** Argmax decoding. */
    public static SamplingParams greedy() {
        return new SamplingParams(0f, 0, 1f, 0f, 1f, 64, 0L);
    }

    /** llama.cpp's defaults: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, no repetition penalty. */
    public static SamplingParams defaults(long seed) {
        return new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1f, 64, seed);
    }

    public boolean isGreedy() {
        return temperature == 0f;
    }

    public SamplingParams withTemperature(float t) {
        return new SamplingParams(t, topK, topP, minP, repetitionPenalty, repetitionWindow, seed);
    }

    public SamplingParams withSeed(long s) {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, repetitionWindow, s);
    }
}
