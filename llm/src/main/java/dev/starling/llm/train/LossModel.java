package dev.starling.llm.train;

import dev.starling.llm.model.ModelConfig;

/** A model the {@link Trainer} can step: mean cross-entropy of a batch and its gradient. */
public interface LossModel {

    /**
     * A target that is not trained on (PyTorch's {@code ignore_index}): the position adds nothing to the loss or the
     * gradients and is left out of the mean. Used to train on an answer but not on the prompt before it.
     */
    int IGNORE = -1;

    /**
     * Returns the mean loss over the batch·seq targets that are not {@link #IGNORE} (0 when all are) and adds
     * gradScale · d(loss)/d(parameter) to every gradient.
     */
    double lossAndGrad(int[] tokens, int[] targets, int batch, int seq, double gradScale);

    /**
     * A training pass of micro-batch {@code dropoutKey}: as {@link #lossAndGrad(int[], int[], int, int, double)},
     * with the model's {@link Dropout} (if any) choosing its masks by the key. Models without dropout ignore the key.
     */
    default double lossAndGrad(int[] tokens, int[] targets, int batch, int seq, double gradScale, long dropoutKey) {
        return lossAndGrad(tokens, targets, batch, seq, gradScale);
    }

    /** How many targets count toward the loss: those that are not {@link #IGNORE}. */
    static int counted(int[] targets) {
        int n = 0;
        for (int t : targets) {
            if (t != IGNORE) {
                n++;
            }
        }
        return n;
    }

    /** Rejects a batch whose arrays, sequence length or token ids do not fit the model, saying which. */
    static void checkBatch(ModelConfig c, int[] tokens, int[] targets, int batch, int seq) {
        int n = batch * seq;
        if (batch <= 0 || seq <= 0 || tokens.length != n || (targets != null && targets.length != n)) {
            throw new IllegalArgumentException("tokens/targets must hold batch·seq = " + batch + "·" + seq + " ids, got "
                    + tokens.length + "/" + (targets == null ? "none" : targets.length));
        }
        if (seq > c.contextLength()) {
            throw new IllegalArgumentException("sequence of " + seq + " exceeds the context length " + c.contextLength());
        }
        for (int i = 0; i < n; i++) {
            if (tokens[i] < 0 || tokens[i] >= c.vocabSize() || (targets != null && targets[i] != IGNORE && (targets[i] < 0 || targets[i] >= c.vocabSize()))) {
                throw new IllegalArgumentException("token or target at " + i + " outside the vocabulary of " + c.vocabSize()
                        + " (a target may also be " + IGNORE + ": not trained on)");
            }
        }
    }
}
