package dev.starling.ai.training;

import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.model.RopeStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything a training job is configured with: the model's shape, the batch, the optimizer and schedule,
 * when to stop, validate and checkpoint. Build one from a {@link #preset} and change what differs; {@link #validate}
 * rejects any value outside its limits and says which.
 *
 * @param dim                    model width
 * @param layers                 decoder blocks
 * @param heads                  attention heads (dim must be a multiple)
 * @param kvHeads                key/value heads (heads must be a multiple)
 * @param ffn                    SwiGLU hidden width
 * @param vocabSize              tokenizer and embedding size
 * @param seq                    tokens per training sequence, also the model's context length
 * @param batch                  sequences per micro-batch
 * @param accumulation           micro-batches per optimizer step
 * @param maxLr                  peak learning rate, after warmup
 * @param minLr                  learning rate at the end of the cosine decay
 * @param warmupSteps            linear warmup, capped at a tenth of the run
 * @param weightDecay            AdamW decoupled weight decay
 * @param maxGradNorm            global-norm clip (0: none)
 * @param steps                  optimizer steps of the whole run; 0 sizes it to the time budget
 * @param timeBudgetMillis       stop cleanly when the job has run this long (0: no budget)
 * @param valEvery               validation loss every N steps (and at the end)
 * @param valBatches             micro-batches of validation windows each time
 * @param validationFraction     share of posts held out for validation
 * @param seed                   everything random: split, tokenizer ties, initialization, batches
 * @param threads                compute threads
 * @param maxTokenizerTextBytes  how much training text the tokenizer learns from at most
 * @param dropout                share of the embeddings and residual-branch outputs dropped in training (0: none; see
 *                               {@link dev.starling.llm.train.Dropout}); for runs of several epochs over a small corpus
 */
public record TrainingConfig(int dim, int layers, int heads, int kvHeads, int ffn, int vocabSize, int seq, int batch,
        int accumulation, double maxLr, double minLr, int warmupSteps, double weightDecay, double maxGradNorm,
        int steps, long timeBudgetMillis, int valEvery, int valBatches, double validationFraction, long seed,
        int threads, long maxTokenizerTextBytes, double dropout) {

    /** Names of the presets, smallest first. */
    public static final List<String> PRESETS = List.of("tiny", "small", "base");

    /**
     * tiny: 64 wide, 2 layers (tests, seconds); small: 256 wide, 4 layers, vocab 8192, seq 512, batch 4 (the demo
     * model, about 5 M parameters: a context that holds an Ask prompt with several quoted posts, the same tokens per
     * step as seq 256 with batch 8); base: 512 wide, 8 layers, vocab 16384 (about 30 M parameters).
     */
    public static TrainingConfig preset(String name) {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "tiny" -> new TrainingConfig(64, 2, 4, 2, 172, 512, 64, 8, 1, 3e-3, 3e-4, 20, 0.1, 1.0,
                    200, 0, 50, 4, 0.05, 1, threads, 4L << 20, 0.0);
            case "small" -> new TrainingConfig(256, 4, 8, 4, 688, 8192, 512, 4, 1, 1e-3, 1e-4, 100, 0.1, 1.0,
                    0, 600_000, 100, 8, 0.02, 1, threads, 64L << 20, 0.0);
            case "base" -> new TrainingConfig(512, 8, 8, 4, 1376, 16384, 256, 4, 2, 6e-4, 6e-5, 200, 0.1, 1.0,
                    0, 3_600_000, 200, 8, 0.02, 1, threads, 128L << 20, 0.0);
            default -> throw new IllegalArgumentException("unknown size preset '" + name + "'; one of " + PRESETS);
        };
    }

    /** The problems with this configuration, each naming the value and its limit; empty when it is valid. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        range(p, "dim", dim, 8, 8192);
        range(p, "layers", layers, 1, 128);
        range(p, "heads", heads, 1, 256);
        range(p, "kv-heads", kvHeads, 1, 256);
        range(p, "ffn", ffn, 1, 65536);
        range(p, "vocab", vocabSize, 256 + SpecialTokens.ALL.size(), 262_144);
        range(p, "seq", seq, 2, 8192);
        range(p, "batch", batch, 1, 4096);
        range(p, "accumulation", accumulation, 1, 4096);
        range(p, "warmup", warmupSteps, 0, 10_000_000);
        range(p, "steps", steps, 0, 100_000_000);
        range(p, "val-every", valEvery, 1, 100_000_000);
        range(p, "val-batches", valBatches, 1, 100_000);
        range(p, "threads", threads, 1, 1024);
        if (heads > 0 && dim % heads != 0) {
            p.add("dim " + dim + " is not a multiple of heads " + heads);
        } else if (heads > 0 && (dim / heads) % 2 != 0) {
            p.add("head size dim/heads = " + dim / heads + " must be even (rotary pairs)");
        }
        if (kvHeads > 0 && heads % kvHeads != 0) {
            p.add("heads " + heads + " is not a multiple of kv-heads " + kvHeads);
        }
        if ((long) batch * seq > 1 << 20) {
            p.add("batch·seq = " + (long) batch * seq + " tokens per micro-batch is above the limit of " + (1 << 20));
        }
        if (!(maxLr > 0 && maxLr <= 1) || !(minLr >= 0 && minLr <= maxLr)) {
            p.add("learning rates must satisfy 0 ≤ min-lr ≤ lr ≤ 1 and lr > 0; got lr " + maxLr + ", min-lr " + minLr);
        }
        if (!(weightDecay >= 0 && weightDecay <= 1)) {
            p.add("weight decay " + weightDecay + " is outside [0, 1]");
        }
        if (!(maxGradNorm >= 0 && maxGradNorm <= 1e6)) {
            p.add("gradient clip " + maxGradNorm + " is outside [0, 1e6]");
        }
        if (timeBudgetMillis < 0 || timeBudgetMillis > 7L * 24 * 3600 * 1000) {
            p.add("time budget " + timeBudgetMillis + " ms is outside 0..7 days");
        }
        if (steps == 0 && timeBudgetMillis == 0) {
            p.add("give a number of steps or a time budget (both are 0)");
        }
        if (!(validationFraction > 0 && validationFraction <= 0.5)) {
            p.add("validation fraction " + validationFraction + " is outside (0, 0.5]");
        }
        if (!(dropout >= 0 && dropout <= 0.5)) {
            p.add("dropout " + dropout + " is outside [0, 0.5]");
        }
        if (maxTokenizerTextBytes < 1 || maxTokenizerTextBytes > 1L << 32) {
            p.add("tokenizer text limit " + maxTokenizerTextBytes + " bytes is outside 1..4 GiB");
        }
        return p;
    }

    /** @throws IllegalArgumentException listing every problem */
    public TrainingConfig validate() {
        List<String> p = problems();
        if (!p.isEmpty()) {
            throw new IllegalArgumentException("invalid training configuration: " + String.join("; ", p));
        }
        return this;
    }

    private static void range(List<String> p, String name, long v, long min, long max) {
        if (v < min || v > max) {
            p.add(name + " " + v + " is outside " + min + ".." + max);
        }
    }

    /** The decoder this trains: Llama architecture, rotary over the whole head, context = seq. */
    public ModelConfig modelConfig() {
        int headDim = dim / heads;
        return new ModelConfig("llama", dim, layers, heads, kvHeads, headDim, ffn, vocabSize, seq, 1e-5f, 10000f,
                headDim, 1f, RopeStyle.NORMAL, false);
    }

    public long tokensPerStep() {
        return (long) batch * seq * accumulation;
    }

    public TrainingConfig withShape(int dim, int layers, int heads, int kvHeads, int ffn) {
        return new TrainingConfig(dim, layers, heads, kvHeads, ffn, vocabSize, seq, batch, accumulation, maxLr, minLr,
                warmupSteps, weightDecay, maxGradNorm, steps, timeBudgetMillis, valEvery, valBatches, validationFraction,
                seed, threads, maxTokenizerTextBytes, dropout);
    }

    public TrainingConfig withData(int vocabSize, int seq, int batch, int accumulation) {
        return new TrainingConfig(dim, layers, heads, kvHeads, ffn, vocabSize, seq, batch, accumulation, maxLr, minLr,
                warmupSteps, weightDecay, maxGradNorm, steps, timeBudgetMillis, valEvery, valBatches, validationFraction,
                seed, threads, maxTokenizerTextBytes, dropout);
    }

    public TrainingConfig withOptimizer(double maxLr, double minLr, int warmupSteps, double weightDecay, double maxGradNorm) {
        return new TrainingConfig(dim, layers, heads, kvHeads, ffn, vocabSize, seq, batch, accumulation, maxLr, minLr,
                warmupSteps, weightDecay, maxGradNorm, steps, timeBudgetMillis, valEvery, valBatches, validationFraction,
                seed, threads, maxTokenizerTextBytes, dropout);
    }

    /** @param steps 0 to size the run to the time budget */
    public TrainingConfig withStop(int steps, long timeBudgetMillis) {
        return new TrainingConfig(dim, layers, heads, kvHeads, ffn, vocabSize, seq, batch, accumulation, maxLr, minLr,
                warmupSteps, weightDecay, maxGradNorm, steps, timeBudgetMillis, valEvery, valBatches, validationFraction,
                seed, threads, maxTokenizerTextBytes, dropout);
    }

    public TrainingConfig withValidation(int valEvery, int valBatches, double validationFraction) {
        return new TrainingConfig(dim, layers, heads, kvHeads, ffn, vocabSize, seq, batch, accumulation, maxLr, minLr,
                warmupSteps, weightDecay, maxGradNorm, steps, timeBudgetMillis, valEvery, valBatches, validationFraction,
                seed, threads, maxTokenizerTextBytes, dropout);
    }

    public TrainingConfig withSeed(long seed) {
        return new TrainingConfig(dim, layers, heads, kvHeads, ffn, vocabSize, seq, batch, accumulation, maxLr, minLr,
                warmupSteps, weightDecay, maxGradNorm, steps, timeBudgetMillis, valEvery, valBatches, validationFraction,
                seed, threads, maxTokenizerTextBytes, dropout);
    }

    public TrainingConfig withThreads(int threads) {
        return new TrainingConfig(dim, layers, heads, kvHeads, ffn, vocabSize, seq, batch, accumulation, maxLr, minLr,
                warmupSteps, weightDecay, maxGradNorm, steps, timeBudgetMillis, valEvery, valBatches, validationFraction,
                seed, threads, maxTokenizerTextBytes, dropout);
    }

    public TrainingConfig withMaxTokenizerTextBytes(long bytes) {
        return new TrainingConfig(dim, layers, heads, kvHeads, ffn, vocabSize, seq, batch, accumulation, maxLr, minLr,
                warmupSteps, weightDecay, maxGradNorm, steps, timeBudgetMillis, valEvery, valBatches, validationFraction,
                seed, threads, maxTokenizerTextBytes, dropout);
    }

    /** @param dropout share dropped in training, in [0, 0.5] */
    public TrainingConfig withDropout(double dropout) {
        return new TrainingConfig(dim, layers, heads, kvHeads, ffn, vocabSize, seq, batch, accumulation, maxLr, minLr,
                warmupSteps, weightDecay, maxGradNorm, steps, timeBudgetMillis, valEvery, valBatches, validationFraction,
                seed, threads, maxTokenizerTextBytes, dropout);
    }
}
