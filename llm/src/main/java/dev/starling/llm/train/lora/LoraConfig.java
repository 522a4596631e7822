package dev.starling.llm.train.lora;

import java.util.EnumSet;
import java.util.Set;

/**
 * Hyperparameters of a LoRA adapter: rank r, alpha (the update is scaled by alpha / r), the adapted projections
 * and the seed of A's initialisation.
 */
public record LoraConfig(int rank, float alpha, Set<LoraTarget> targets, long seed) {
    /** Upper limit on the rank: adapters are low-rank by definition, and this bounds allocation from a file. */
    public static final int MAX_RANK = 1024;

    public LoraConfig {
        if (rank < 1 || rank > MAX_RANK) {
            throw new IllegalArgumentException("LoRA rank " + rank + " out of range 1.." + MAX_RANK);
        }
        if (!(alpha > 0) || Float.isInfinite(alpha)) {
            throw new IllegalArgumentException("LoRA alpha must be a positive finite number, got " + alpha);
        }
        if (targets == null || targets.isEmpty()) {
            throw new IllegalArgumentException("LoRA needs at least one target projection (q,k,v,o,gate,up,down)");
        }
        targets = Set.copyOf(EnumSet.copyOf(targets));
    }

    /** alpha / rank, the factor of B·A in W + (alpha/r)·B·A. */
    public double scale() {
        return (double) alpha / rank;
    }
}
