package dev.starling.ai.training;

import dev.starling.llm.train.LlamaParameters;

/**
 * Early stopping for a run sized to a time budget: a small corpus is learned by heart long before the budget ends,
 * so the weights of the best validation loss are kept (a copy in memory) and the run stops once validation has not
 * improved for {@code patience} validations in a row; the export then uses the best weights.
 */
final class BestWeights {

    private final int patience;
    private double bestLoss = Double.POSITIVE_INFINITY;
    private int bestStep = -1;
    private float[][] best;
    private int sinceBest;

    BestWeights(int patience) {
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be at least 1, got " + patience);
        }
        this.patience = patience;
    }

    /**
     * Records a validation at {@code step}: copies the weights when {@code loss} is a new best. Returns true when
     * validation has now gone {@code patience} times without a new best (time to stop).
     */
    boolean offer(double loss, int step, LlamaParameters params) {
        if (loss < bestLoss) {
            bestLoss = loss;
            bestStep = step;
            best = snapshot(params);
            sinceBest = 0;
            return false;
        }
        return ++sinceBest >= patience;
    }

    /** Whether the kept weights beat {@code finalLoss} (the loss of the weights the run ended with). */
    boolean beats(double finalLoss) {
        return best != null && bestLoss < finalLoss;
    }

    /** Copies the kept weights back into {@code params}; only after {@link #beats} said true. */
    void restoreInto(LlamaParameters params) {
        for (int i = 0; i < best.length; i++) {
            System.arraycopy(best[i], 0, params.all().get(i).value(), 0, best[i].length);
        }
    }

    double bestLoss() {
        return bestLoss;
    }

    int bestStep() {
        return bestStep;
    }

    private static float[][] snapshot(LlamaParameters params) {
        float[][] copy = new float[params.all().size()][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = params.all().get(i).value().clone();
        }
        return copy;
    }
}
