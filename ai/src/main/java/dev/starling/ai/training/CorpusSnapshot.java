package dev.starling.ai.training;

import java.time.Instant;
import java.util.List;

/**
 * A corpus read once and split: the training and validation posts and the manifest of what was included.
 * The split is deterministic (a hash of each post's stable key), so the same corpus splits the same way.
 *
 * @param trainInfo what a quote of each training post shows besides its text (same order as {@code train}), or empty
 *                  when the source has none (then grounded examples number the lines and use the snapshot time)
 */
public record CorpusSnapshot(List<String> train, List<String> validation, CorpusManifest manifest, List<PostInfo> trainInfo) {

    /** A training post's stable key (post id or line number), author id (-1: unknown) and time. */
    public record PostInfo(long key, long authorId, Instant createdAt) {
    }

    public CorpusSnapshot {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
        trainInfo = List.copyOf(trainInfo);
        if (!trainInfo.isEmpty() && trainInfo.size() != train.size()) {
            throw new IllegalArgumentException("trainInfo has " + trainInfo.size() + " entries for " + train.size() + " posts");
        }
    }

    public CorpusSnapshot(List<String> train, List<String> validation, CorpusManifest manifest) {
        this(train, validation, manifest, List.of());
    }

    /** The training posts as grounded examples quote them. */
    public List<GroundedExamples.Source> trainSources() {
        List<GroundedExamples.Source> out = new java.util.ArrayList<>(train.size());
        for (int i = 0; i < train.size(); i++) {
            PostInfo info = trainInfo.isEmpty() ? new PostInfo(i + 1, -1, manifest.snapshotTime()) : trainInfo.get(i);
            String handle = info.authorId() < 0 ? "user" : "user" + info.authorId();
            out.add(new GroundedExamples.Source(info.key(), handle, info.createdAt(), train.get(i)));
        }
        return out;
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
