package dev.starling.llm.train.lora;

import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.tokenizer.Tokenizer;
import dev.starling.llm.tokenizer.Tokenizers;
import dev.starling.llm.train.AdamW;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The whole LoRA job an operator runs (what {@code starling finetune} calls): tokenize documents with the
 * base model's own tokenizer, train an adapter over the frozen base for a number of steps or a time budget, write
 * the adapter GGUF and, optionally, the merged model.
 */
public final class LoraFineTune {
    /** Upper limit on the corpus, in tokens. */
    public static final int MAX_TOKENS = 64 << 20;

    /**
     * @param baseModel       the GGUF to adapt (F32/F16/BF16/Q8_0/Q4_0/Q4_K/Q6_K matrices)
     * @param documents       training texts, each encoded with a leading BOS
     * @param lora            rank, alpha, targets, seed
     * @param seq             tokens per sequence
     * @param batch           sequences per step
     * @param maxSteps        step limit
     * @param timeBudgetMillis stop after the step that passes this (0: no budget)
     * @param learningRate    AdamW learning rate (constant)
     * @param weightDecay     AdamW weight decay on A and B
     * @param adapterOut      where the adapter GGUF is written
     * @param mergedOut       where the merged model is written, or null for none
     * @param mergeOutput     type of the merged matrices
     * @param reference       train with the float64 {@link LoraReference} instead of the fast {@link LoraFast}
     */
    public record Options(Path baseModel, List<String> documents, LoraConfig lora, int seq, int batch, int maxSteps,
            long timeBudgetMillis, double learningRate, double weightDecay, Path adapterOut, Path mergedOut,
            LoraMerge.Output mergeOutput, boolean reference) {
        public Options {
            if (seq < 2 || batch < 1 || maxSteps < 1 || timeBudgetMillis < 0 || !(learningRate > 0)
                    || !(weightDecay >= 0)) {
                throw new IllegalArgumentException("LoRA options: need seq ≥ 2, batch ≥ 1, steps ≥ 1, budget ≥ 0, "
                        + "learning rate > 0, weight decay ≥ 0; got seq " + seq + ", batch " + batch + ", steps "
                        + maxSteps + ", budget " + timeBudgetMillis + " ms, lr " + learningRate + ", wd "
                        + weightDecay);
            }
            documents = List.copyOf(documents);
        }

        /** Options for the fast float32 path. */
        public Options(Path baseModel, List<String> documents, LoraConfig lora, int seq, int batch, int maxSteps,
                long timeBudgetMillis, double learningRate, double weightDecay, Path adapterOut, Path mergedOut,
                LoraMerge.Output mergeOutput) {
            this(baseModel, documents, lora, seq, batch, maxSteps, timeBudgetMillis, learningRate, weightDecay,
                    adapterOut, mergedOut, mergeOutput, false);
        }
    }

    /**
     * Reported after every step: tokens/s over the training so far (wall clock), and the estimated time left
     * (the average step time over the steps left, or the time budget left if that ends sooner).
     */
    public record Progress(int step, int maxSteps, double loss, double tokensPerSecond, long elapsedMillis,
            long etaMillis) {
    }

    /** What the job did. */
    public record Summary(int steps, double firstLoss, double lastLoss, long corpusTokens, long trainableParameters,
            long adapterBytes, long mergedBytes, long elapsedMillis) {
    }

    private LoraFineTune() {
    }

    /** Runs the job on {@code pool} (not closed here; null: one thread). */
    public static Summary run(Options o, ComputePool pool, Consumer<Progress> listener) throws IOException {
        if (pool == null) {
            try (ComputePool one = new ComputePool(1)) {
                return run(o, one, listener);
            }
        }
        long t0 = System.nanoTime();
        try (FrozenBase base = FrozenBase.open(o.baseModel())) {
            if (o.seq() > base.config().contextLength()) {
                throw new IllegalArgumentException("seq " + o.seq() + " exceeds the model's context length "
                        + base.config().contextLength());
            }
            int[] stream = tokenize(Tokenizers.fromGguf(base.gguf().metadata()), o.documents(), o.seq());
            LoraAdapter adapter = LoraAdapter.initialize(base.config(), o.lora());
            AdamW adamW = new AdamW(0.9, 0.999, 1e-8, o.weightDecay());
            LoraTrainer trainer = o.reference()
                    ? new LoraTrainer(base, adapter, adamW, o.learningRate(), 1.0, pool)
                    : LoraTrainer.fast(base, adapter, adamW, o.learningRate(), 1.0, pool);
            int n = o.batch() * o.seq();
            int[] tokens = new int[n];
            int[] targets = new int[n];
            int windows = stream.length - o.seq(); // start positions with a full window and its targets
            long trainStart = System.nanoTime();
            double first = Double.NaN;
            double last = Double.NaN;
            int step = 0;
            while (step < o.maxSteps()) {
                for (int b = 0; b < o.batch(); b++) {
                    int start = (int) (((long) step * o.batch() + b) * o.seq() % windows);
                    System.arraycopy(stream, start, tokens, b * o.seq(), o.seq());
                    System.arraycopy(stream, start + 1, targets, b * o.seq(), o.seq());
                }
                last = trainer.step(tokens, targets, o.batch(), o.seq()).loss();
                if (step == 0) {
                    first = last;
                }
                step++;
                long elapsed = (System.nanoTime() - t0) / 1_000_000;
                double trainMillis = Math.max(1e-3, (System.nanoTime() - trainStart) / 1e6);
                long eta = (long) (trainMillis / step * (o.maxSteps() - step));
                if (o.timeBudgetMillis() > 0) {
                    eta = Math.min(eta, Math.max(0, o.timeBudgetMillis() - elapsed));
                }
                listener.accept(new Progress(step, o.maxSteps(), last, step * n / trainMillis * 1000, elapsed, eta));
                if (o.timeBudgetMillis() > 0 && elapsed >= o.timeBudgetMillis()) {
                    break;
                }
            }
            long adapterBytes = LoraAdapterFile.write(adapter, o.adapterOut());
            long mergedBytes = o.mergedOut() == null ? 0 : LoraMerge.merge(base, adapter, o.mergeOutput(), o.mergedOut());
            return new Summary(step, first, last, stream.length, adapter.parameterCount(), adapterBytes, mergedBytes,
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /** Documents encoded one after another, each with a leading BOS; fails when shorter than one window. */
    static int[] tokenize(Tokenizer tokenizer, List<String> documents, int seq) {
        int[] out = new int[1024];
        int len = 0;
        for (String d : documents) {
            int[] ids = tokenizer.encode(d, true, false);
            if ((long) len + ids.length > MAX_TOKENS) {
                throw new IllegalArgumentException("LoRA corpus exceeds " + MAX_TOKENS + " tokens");
            }
            if (len + ids.length > out.length) {
                out = java.util.Arrays.copyOf(out, Math.max(out.length * 2, len + ids.length));
            }
            System.arraycopy(ids, 0, out, len, ids.length);
            len += ids.length;
        }
        if (len < seq + 1) {
            throw new IllegalArgumentException("LoRA corpus has " + len + " tokens; one sequence of " + seq
                    + " needs at least " + (seq + 1));
        }
        return java.util.Arrays.copyOf(out, len);
    }
}
