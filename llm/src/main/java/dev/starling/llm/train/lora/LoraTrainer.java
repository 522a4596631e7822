package dev.starling.llm.train.lora;

import dev.starling.llm.train.AdamW;
import dev.starling.llm.train.GradClip;
import dev.starling.llm.tensor.ComputePool;

/**
 * Fine-tunes a {@link LoraAdapter} over a {@link FrozenBase}: each step zeroes the adapter's gradients, runs
 * forward and backward on one batch, clips the global gradient norm and takes an AdamW step on A and B only.
 */
public final class LoraTrainer {
    private final LoraModel model;
    private final LoraAdapter adapter;
    private final AdamW optimizer;
    private final double learningRate;
    private final double maxGradNorm;

    /** What one step did: the batch's loss before the update and the gradient norm before clipping. */
    public record Step(double loss, double gradNorm) {
    }

    /** Trains with the float64 {@link LoraReference}, serially. */
    public LoraTrainer(FrozenBase base, LoraAdapter adapter, AdamW optimizer, double learningRate, double maxGradNorm) {
        this(base, adapter, optimizer, learningRate, maxGradNorm, null);
    }

    /** Trains with the float64 {@link LoraReference}, its frozen-weight products split over {@code pool} (null: serial). */
    public LoraTrainer(FrozenBase base, LoraAdapter adapter, AdamW optimizer, double learningRate, double maxGradNorm,
            ComputePool pool) {
        this(new LoraReference(base, adapter, pool), adapter, optimizer, learningRate, maxGradNorm);
    }

    /** Trains with the fast float32 {@link LoraFast} on {@code pool}. */
    public static LoraTrainer fast(FrozenBase base, LoraAdapter adapter, AdamW optimizer, double learningRate,
            double maxGradNorm, ComputePool pool) {
        return new LoraTrainer(new LoraFast(base, adapter, pool), adapter, optimizer, learningRate, maxGradNorm);
    }

    /** Trains {@code adapter} (which {@code model} must compute with). */
    public LoraTrainer(LoraModel model, LoraAdapter adapter, AdamW optimizer, double learningRate,
            double maxGradNorm) {
        if (!(learningRate > 0) || !(maxGradNorm > 0)) {
            throw new IllegalArgumentException("learning rate and max gradient norm must be > 0, got "
                    + learningRate + ", " + maxGradNorm);
        }
        this.model = model;
        this.adapter = adapter;
        this.optimizer = optimizer;
        this.learningRate = learningRate;
        this.maxGradNorm = maxGradNorm;
    }

    public Step step(int[] tokens, int[] targets, int batch, int seq) {
        adapter.zeroGrad();
        double loss = model.lossAndGradients(tokens, targets, batch, seq, 1.0);
        double norm = GradClip.clip(adapter.parameters(), maxGradNorm);
        optimizer.step(adapter.parameters(), learningRate);
        return new Step(loss, norm);
    }

    /** Loss of a batch without touching the adapter. */
    public double loss(int[] tokens, int[] targets, int batch, int seq) {
        return model.loss(tokens, targets, batch, seq);
    }

    public LoraModel model() {
        return model;
    }
}
