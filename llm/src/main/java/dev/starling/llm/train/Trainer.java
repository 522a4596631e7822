package dev.starling.llm.train;

/**
 * One optimizer step from {@code accumulation} micro-batches: zero the gradients, add each
 * micro-batch's gradient scaled by 1/accumulation (so the step sees the mean over all of them),
 * clip by global norm, then AdamW at the scheduled learning rate. Deterministic: same parameters,
 * data and settings give the same bits.
 */
public final class Trainer {
    private final LlamaParameters params;
    private final LossModel model;
    private final AdamW optimizer;
    private final LrSchedule schedule;
    private final double maxGradNorm;
    private final dev.starling.llm.tensor.ComputePool pool; // null: clip and update on the calling thread
    private int step;

    /** What one step did. */
    public record StepResult(int step, double loss, double gradNorm, double lr) {
    }

    /** @param maxGradNorm global-norm clip, or 0 for none */
    public Trainer(LlamaParameters params, AdamW optimizer, LrSchedule schedule, double maxGradNorm) {
        this(params, optimizer, schedule, maxGradNorm, 0);
    }

    /** Resumes at {@code startStep} (the schedule continues from there), e.g. from a {@link Checkpoint}. */
    public Trainer(LlamaParameters params, AdamW optimizer, LrSchedule schedule, double maxGradNorm, int startStep) {
        this(params, new LlamaReference(params)::lossAndGrad, optimizer, schedule, maxGradNorm, startStep, null);
    }

    /** Trains with the fast F32 path ({@link FastLlama}) on the given pool instead of the float64 reference. */
    public Trainer(LlamaParameters params, AdamW optimizer, LrSchedule schedule, double maxGradNorm, int startStep,
                   dev.starling.llm.tensor.ComputePool pool) {
        this(params, optimizer, schedule, maxGradNorm, startStep, pool, Dropout.NONE);
    }

    /**
     * The fast path with dropout; micro-batch a of step s draws its masks with key {@link #dropoutKey}(s, a), so a
     * resumed run drops what an uninterrupted one would.
     */
    public Trainer(LlamaParameters params, AdamW optimizer, LrSchedule schedule, double maxGradNorm, int startStep,
                   dev.starling.llm.tensor.ComputePool pool, Dropout dropout) {
        this(params, new FastLlama(params, pool, dropout), optimizer, schedule, maxGradNorm, startStep, pool);
    }

    /** The readable float64 path with dropout (for tests: the same masks as the fast path). */
    public static Trainer reference(LlamaParameters params, AdamW optimizer, LrSchedule schedule, double maxGradNorm, Dropout dropout) {
        LlamaReference ref = new LlamaReference(params, dropout);
        return new Trainer(params, new LossModel() {
            @Override
            public double lossAndGrad(int[] tokens, int[] targets, int batch, int seq, double gradScale) {
                return ref.lossAndGrad(tokens, targets, batch, seq, gradScale);
            }

            @Override
            public double lossAndGrad(int[] tokens, int[] targets, int batch, int seq, double gradScale, long dropoutKey) {
                return ref.forwardBackward(tokens, targets, batch, seq, gradScale, dropoutKey).loss();
            }
        }, optimizer, schedule, maxGradNorm, 0, null);
    }

    /** The dropout key of micro-batch {@code microBatch} of step {@code step}. */
    public static long dropoutKey(int step, int microBatch) {
        return ((long) step << 16) + microBatch;
    }

    private Trainer(LlamaParameters params, LossModel model, AdamW optimizer, LrSchedule schedule, double maxGradNorm, int startStep,
                    dev.starling.llm.tensor.ComputePool pool) {
        if (startStep < 0 || maxGradNorm < 0) {
            throw new IllegalArgumentException("start step " + startStep + " and max gradient norm " + maxGradNorm + " must be ≥ 0");
        }
        this.params = params;
        this.model = model;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.maxGradNorm = maxGradNorm;
        this.step = startStep;
        this.pool = pool;
    }

    /** Steps done so far (the next step's number). */
    public int step() {
        return step;
    }

    public LlamaParameters params() {
        return params;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    /**
     * @param tokens  [accumulation][batch·seq] inputs of each micro-batch
     * @param targets [accumulation][batch·seq] next tokens
     * @return the mean loss over the micro-batches (before the update), the gradient norm before clipping, the lr used
     */
    public StepResult step(int[][] tokens, int[][] targets, int batch, int seq) {
        int accumulation = tokens.length;
        if (accumulation == 0 || targets.length != accumulation || accumulation > 1 << 16) {
            throw new IllegalArgumentException("need 1 to 65536 micro-batches and one target array per micro-batch, got "
                    + accumulation + " and " + targets.length);
        }
        params.zeroGrad();
        double loss = 0;
        for (int a = 0; a < accumulation; a++) {
            loss += model.lossAndGrad(tokens[a], targets[a], batch, seq, 1.0 / accumulation, dropoutKey(step, a)) / accumulation;
        }
        double norm;
        if (pool != null) {
            norm = maxGradNorm > 0 ? GradClip.clip(params.all(), maxGradNorm, pool) : GradClip.globalNorm(params.all(), pool);
        } else {
            norm = maxGradNorm > 0 ? GradClip.clip(params.all(), maxGradNorm) : GradClip.globalNorm(params.all());
        }
        double lr = schedule.lr(step);
        optimizer.step(params.all(), lr, pool);
        return new StepResult(step++, loss, norm, lr);
    }
}
