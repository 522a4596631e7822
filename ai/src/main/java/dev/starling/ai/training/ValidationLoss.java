package dev.starling.ai.training;

import dev.starling.llm.train.FastLlama;

/**
 * The validation loss of a training run: the mean loss over fixed windows of the validation token stream, the
 * same windows at every validation (so losses from step to step compare), at most {@code valBatches · batch} of them.
 */
final class ValidationLoss {

    private ValidationLoss() {
    }

    /** Mean loss over the fixed windows of {@code validation}; NaN when it has fewer than two tokens. */
    static double of(FastLlama model, int[] validation, TrainingConfig c) {
        if (validation.length < 2) {
            return Double.NaN;
        }
        int seq = Math.min(c.seq(), validation.length - 1);
        int windows = Math.min(rows(validation.length, c), (validation.length - 1) / seq);
        double sum = 0;
        for (int w0 = 0; w0 < windows; w0 += c.batch()) {
            int b = Math.min(c.batch(), windows - w0);
            int[] tok = new int[b * seq];
            int[] tgt = new int[b * seq];
            for (int r = 0; r < b; r++) {
                int at = (w0 + r) * seq;
                System.arraycopy(validation, at, tok, r * seq, seq);
                System.arraycopy(validation, at + 1, tgt, r * seq, seq);
            }
            sum += model.loss(tok, tgt, b, seq) * b;
        }
        return sum / windows;
    }

    /** How many windows (rows) one validation evaluates for a stream of {@code validationTokens} tokens. */
    static int rows(int validationTokens, TrainingConfig c) {
        int seq = Math.min(c.seq(), Math.max(1, validationTokens - 1));
        return (int) Math.min((long) c.valBatches() * c.batch(), Math.max(1, (validationTokens - 1) / seq));
    }
}
