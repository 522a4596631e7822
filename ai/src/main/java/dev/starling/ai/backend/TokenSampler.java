package dev.starling.ai.backend;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits: penalties (llama.cpp's repetition penalty over the last
 * {@value #PENALTY_WINDOW} tokens, OpenAI's frequency and presence penalties), then greedy at temperature 0, else
 * top-k, temperature, top-p, min-p and a draw from a seeded generator. One per generation; not thread-safe.
 *
 * <p>Interim: the engine's own sampler ({@code dev.starling.llm.generate}) replaces this once it lands.
 */
final class TokenSampler {

    static final int PENALTY_WINDOW = 64;

    private final SamplingParams p;
    private final SplittableRandom random;
    private final int[] recent = new int[PENALTY_WINDOW];
    private int recentCount;
    private final java.util.HashMap<Integer, Integer> counts = new java.util.HashMap<>();

    TokenSampler(SamplingParams params, long seed) {
        this.p = params;
        this.random = new SplittableRandom(seed);
    }

    /**
     * Records a token of the context, for the penalties: the repetition penalty looks at the last tokens of prompt
     * and output, the frequency and presence penalties at generated tokens only.
     */
    void accept(int token, boolean generated) {
        recent[recentCount % PENALTY_WINDOW] = token;
        recentCount++;
        if (generated) {
            counts.merge(token, 1, Integer::sum);
        }
    }

    int sample(float[] logitsIn) {
        float[] logits = logitsIn.clone();
        applyPenalties(logits);
        if (p.temperature() == 0) {
            return argmax(logits);
        }
        // Tokens more than 30 nats (at this temperature) below the best have probability < 1e-13 relative to it:
        // leaving them out keeps the sort small on 100k-token vocabularies.
        float best = logits[argmax(logits)];
        double floorLogit = best - 30 * p.temperature();
        int candidates = 0;
        for (float l : logits) {
            if (l >= floorLogit) {
                candidates++;
            }
        }
        Integer[] order = new Integer[candidates];
        for (int i = 0, j = 0; i < logits.length; i++) {
            if (logits[i] >= floorLogit) {
                order[j++] = i;
            }
        }
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        int keep = p.topK() > 0 ? Math.min(p.topK(), candidates) : candidates;
        double max = logits[order[0]];
        double[] probs = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            probs[i] = Math.exp((logits[order[i]] - max) / p.temperature());
            sum += probs[i];
        }
        for (int i = 0; i < keep; i++) {
            probs[i] /= sum;
        }
        if (p.topP() < 1) {
            double mass = 0;
            int k = 0;
            while (k < keep) {
                mass += probs[k++];
                if (mass >= p.topP()) {
                    break;
                }
            }
            keep = Math.max(1, k);
        }
        if (p.minP() > 0) {
            double floor = probs[0] * p.minP();
            int k = 1;
            while (k < keep && probs[k] >= floor) {
                k++;
            }
            keep = k;
        }
        double total = 0;
        for (int i = 0; i < keep; i++) {
            total += probs[i];
        }
        double r = random.nextDouble() * total;
        for (int i = 0; i < keep; i++) {
            r -= probs[i];
            if (r <= 0) {
                return order[i];
            }
        }
        return order[keep - 1];
    }

    private void applyPenalties(float[] logits) {
        if (p.repetitionPenalty() != 1) {
            int window = Math.min(recentCount, PENALTY_WINDOW);
            java.util.HashSet<Integer> seen = new java.util.HashSet<>();
            for (int i = 0; i < window; i++) {
                seen.add(recent[i]);
            }
            for (int t : seen) {
                if (t >= 0 && t < logits.length) {
                    logits[t] = logits[t] > 0 ? (float) (logits[t] / p.repetitionPenalty())
                            : (float) (logits[t] * p.repetitionPenalty());
                }
            }
        }
        if (p.frequencyPenalty() != 0 || p.presencePenalty() != 0) {
            counts.forEach((t, c) -> {
                if (t >= 0 && t < logits.length) {
                    logits[t] -= (float) (c * p.frequencyPenalty() + p.presencePenalty());
                }
            });
        }
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
