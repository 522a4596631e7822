package dev.starling.social.corpus;

/**
 * A deterministic train/validation split by post id: a post's part depends only on its id and
 * {@code salt}, never on the rest of the corpus, so a post stays in the same part in every later
 * corpus (a validation post never drifts into training when the network grows).
 *
 * <p>The part is {@code mix64(id ^ salt) mod 1,000,000 < validationPpm} with SplitMix64's
 * finaliser as {@code mix64}, so snowflake ids (time in the high bits, a sequence in the low bits)
 * are spread evenly.
 */
public record TrainValidationSplit(int validationPpm, long salt) {

    public enum Part { TRAIN, VALIDATION }

    public TrainValidationSplit {
        if (validationPpm < 0 || validationPpm > 1_000_000) {
            throw new IllegalArgumentException("validationPpm must be 0..1000000 (parts per million), was " + validationPpm);
        }
    }

    /** {@code fraction} of posts (0..1, rounded to parts per million) for validation, salt 0. */
    public static TrainValidationSplit ofFraction(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("validation fraction must be in 0..1, was " + fraction);
        }
        return new TrainValidationSplit((int) Math.round(fraction * 1_000_000), 0L);
    }

    public Part partOf(long postId) {
        long h = mix64(postId ^ salt);
        return Long.remainderUnsigned(h, 1_000_000L) < validationPpm ? Part.VALIDATION : Part.TRAIN;
    }

    public boolean isValidation(long postId) {
        return partOf(postId) == Part.VALIDATION;
    }

    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
