package dev.starling.ai.training;

import java.util.List;

/**
 * A corpus read once and split: the training and validation posts and the manifest of what was included.
 * The split is deterministic (a hash of each post's stable key), so the same corpus splits the same way.
 */
public record CorpusSnapshot(List<String> train, List<String> validation, CorpusManifest manifest) {

    public CorpusSnapshot {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
    }

    /**
     * Whether a post with this stable key (post id, line number) goes to validation: a SplitMix64 hash of the
     * key, so the split does not depend on order or on the other posts.
     *
     * @param validationFraction share of posts for validation, in [0, 0.5]
     */
    public static boolean isValidation(long key, long seed, double validationFraction) {
        long z = key + seed * 0x9E3779B97F4A7C15L + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        double u = (z >>> 11) * 0x1.0p-53;
        return u < validationFraction;
    }
}
