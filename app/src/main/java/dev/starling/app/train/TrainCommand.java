package dev.starling.app.train;

import dev.starling.ai.training.CorpusSource;
import dev.starling.ai.training.DatabaseCorpus;
import dev.starling.ai.training.FileCorpus;
import dev.starling.ai.training.ModelCard;
import dev.starling.ai.training.TrainingConfig;
import dev.starling.ai.training.TrainingJob;
import dev.starling.ai.training.TrainingProgress;
import dev.starling.ai.training.TrainingResult;
import dev.starling.app.DatabaseOptions;
import dev.starling.app.StarlingSubcommand;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code starling train}: trains Starling's own model on the network's consented public posts (or a file of one post
 * per line) and writes a GGUF that {@code starling serve --model} serves, with its model card beside it.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a model on the network's consented public posts (the database, as serve opens it) or on"
                + " --corpus FILE (one post per line), and write it as a GGUF with its tokenizer, chat template and model"
                + " card (also written beside it as NAME.card.json and NAME.card.md).",
                "Checkpoints go to NAME.run/; --resume continues a run exactly where it stopped.",
                "While serve runs on the same --data-dir its embedded PostgreSQL is in use: point --db-url at it instead."})
public final class TrainCommand implements Callable<Integer>, StarlingSubcommand {

    @Mixin
    DatabaseOptions db;

    @Option(names = "--corpus", paramLabel = "FILE", description = "Train on this UTF-8 file, one post per line, instead of the database")
    Path corpus;

    @Option(names = "--out", required = true, paramLabel = "MODEL.gguf", description = "The model to write")
    Path out;

    @Option(names = "--size", defaultValue = "small", paramLabel = "PRESET",
            description = "Model size preset: tiny, small or base (Default: ${DEFAULT-VALUE}); the options below override its values")
    String size;

    @Option(names = "--time-budget", paramLabel = "DURATION", converter = Durations.class,
            description = "Stop cleanly after this long (e.g. 10m, 1h30m); the learning-rate schedule is sized to fit. Default: the preset's (tiny: none, small: 10m, base: 60m)")
    Duration timeBudget;

    @Option(names = "--steps", paramLabel = "N", description = "Train exactly N optimizer steps (without a time budget unless one is given too)")
    Integer steps;

    @Option(names = "--dim", paramLabel = "N", description = "Model width")
    Integer dim;
    @Option(names = "--layers", paramLabel = "N", description = "Decoder blocks")
    Integer layers;
    @Option(names = "--heads", paramLabel = "N", description = "Attention heads")
    Integer heads;
    @Option(names = "--kv-heads", paramLabel = "N", description = "Key/value heads (grouped-query attention)")
    Integer kvHeads;
    @Option(names = "--ffn", paramLabel = "N", description = "SwiGLU hidden width")
    Integer ffn;
    @Option(names = "--vocab", paramLabel = "N", description = "Tokenizer vocabulary size (byte-level BPE trained on the corpus)")
    Integer vocab;
    @Option(names = "--seq", paramLabel = "N", description = "Tokens per sequence (the model's context length)")
    Integer seq;
    @Option(names = "--batch", paramLabel = "N", description = "Sequences per micro-batch")
    Integer batch;
    @Option(names = "--accumulation", paramLabel = "N", description = "Micro-batches per optimizer step")
    Integer accumulation;
    @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate")
    Double lr;
    @Option(names = "--min-lr", paramLabel = "LR", description = "Learning rate at the end of the cosine decay")
    Double minLr;
    @Option(names = "--warmup", paramLabel = "STEPS", description = "Warmup steps (at most a tenth of the run)")
    Integer warmup;
    @Option(names = "--val-every", paramLabel = "N", description = "Validation loss (and a checkpoint) every N steps")
    Integer valEvery;
    @Option(names = "--val-fraction", paramLabel = "F", description = "Share of posts held out for validation")
    Double valFraction;
    @Option(names = "--dropout", paramLabel = "F", description = "Share of the embeddings and residual-branch outputs dropped"
            + " in training, 0 to 0.5 (default 0; about 0.1 helps runs of several epochs over a small corpus)")
    Double dropout;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the split, initialization and batches")
    Long seed;
    @Option(names = "--threads", paramLabel = "N", description = "Compute threads (default: all cores)")
    Integer threads;
    @Option(names = "--resume", description = "Continue the run in NAME.run/ (same tokens, schedule and settings; only --time-budget and --threads apply)")
    boolean resume;
    @Option(names = "--grounded-share", paramLabel = "F", description = "Share of training rows that are grounded-answer"
            + " examples made from the training posts (quoted posts in the Ask/Explain prompt, an answer copied from them"
            + " citing [n]), mixed in after the first quarter of the run; 0 trains on plain posts only (default: ${DEFAULT-VALUE})",
            defaultValue = "0.3")
    double groundedShare;

    PrintStream stdout = System.out;
    PrintStream err = System.err;
    /** Whether stderr is a terminal (a redrawn bar) or a log (a line per tenth). */
    boolean terminal = System.console() != null;

    @Override
    public Integer call() throws IOException {
        TrainingConfig config = config();
        if (corpus != null && !Files.isRegularFile(corpus)) {
            err.println("starling train: no such corpus file: " + corpus);
            return 2;
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            err.println("starling train: the directory of --out does not exist: " + parent);
            return 2;
        }
        if (corpus != null) {
            return train(new FileCorpus(corpus), config);
        }
        err.println("starling train: reading the corpus from " + db.describe());
        try (DatabaseOptions.Opened opened = db.open()) {
            return train(new DatabaseCorpus(opened.database()), config);
        }
    }

    /** The preset with every explicit option applied; rejects invalid combinations naming each problem. */
    TrainingConfig config() {
        TrainingConfig c = TrainingConfig.preset(size);
        c = c.withShape(or(dim, c.dim()), or(layers, c.layers()), or(heads, c.heads()), or(kvHeads, c.kvHeads()), or(ffn, c.ffn()));
        c = c.withData(or(vocab, c.vocabSize()), or(seq, c.seq()), or(batch, c.batch()), or(accumulation, c.accumulation()));
        c = c.withOptimizer(lr != null ? lr : c.maxLr(), minLr != null ? minLr : Math.min(c.minLr(), lr != null ? lr / 10 : c.minLr()),
                or(warmup, c.warmupSteps()), c.weightDecay(), c.maxGradNorm());
        long budgetMillis = timeBudget != null ? timeBudget.toMillis() : steps != null ? 0 : c.timeBudgetMillis();
        c = c.withStop(steps != null ? steps : timeBudget != null ? 0 : c.steps(), budgetMillis);
        c = c.withValidation(or(valEvery, c.valEvery()), c.valBatches(), valFraction != null ? valFraction : c.validationFraction());
        c = c.withSeed(seed != null ? seed : c.seed()).withThreads(or(threads, c.threads()));
        c = c.withDropout(dropout != null ? dropout : c.dropout());
        return c.validate();
    }

    private int train(CorpusSource source, TrainingConfig config) throws IOException {
        TrainProgressLine line = new TrainProgressLine(err, terminal);
        TrainingJob job = new TrainingJob(source, config, out, TrainingJob.Options.defaults()
                .withResume(resume ? TrainingJob.Resume.REQUIRED : TrainingJob.Resume.NEVER)
                .withListener(line::update).withGroundedShare(groundedShare));
        if (!resume) {
            TrainingConfig c = config;
            err.printf("starling train: %s model (dim %d, %d layers, %d/%d heads, ffn %d, vocab %d, seq %d), batch %d×%d, %s%n",
                    size, c.dim(), c.layers(), c.heads(), c.kvHeads(), c.ffn(), c.vocabSize(), c.seq(), c.batch(),
                    c.accumulation(), c.steps() > 0 ? c.steps() + " steps" + (c.timeBudgetMillis() > 0 ? " at most" : "")
                            : "steps sized to the time budget");
            if (c.timeBudgetMillis() > 0) {
                err.println("starling train: time budget " + TrainingProgress.duration(c.timeBudgetMillis()));
            }
        }
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            job.cancel(); // Ctrl-C: save a checkpoint at the next step, then let the JVM go
            try {
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "starling-train-cancel");
        Runtime.getRuntime().addShutdownHook(hook);
        TrainingResult result;
        try {
            result = job.run();
        } finally {
            line.endLine();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for the latch counted down above
            }
        }
        return switch (result) {
            case TrainingResult.Completed c -> {
                ModelCard card = c.card();
                stdout.printf("wrote %s: %d parameters, %d steps (%s), %d tokens seen, loss %.4f, validation loss %.4f, %s%n",
                        c.model(), card.parameters(), card.steps(), card.stoppedBecause(), card.tokensSeen(),
                        card.finalTrainLoss(), card.finalValLoss(), TrainingProgress.duration(card.wallTimeMillis()));
                stdout.println("model card: " + job.files().cardMarkdown());
                stdout.println("serve it:   starling serve --model " + c.model());
                yield 0;
            }
            case TrainingResult.Rejected r -> {
                err.println("starling train: " + r.reason());
                yield 1;
            }
            case TrainingResult.Cancelled x -> {
                err.println("starling train: cancelled at step " + x.step()
                        + (x.checkpoint() != null ? "; continue with --resume (checkpoint " + x.checkpoint() + ")" : ""));
                yield 130;
            }
        };
    }

    private static int or(Integer v, int fallback) {
        return v != null ? v : fallback;
    }
}
