package dev.starling.ai.training;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.starling.llm.eval.BitsPerByte;
import dev.starling.llm.eval.HeldOutText;
import dev.starling.llm.eval.LmEvaluation;
import dev.starling.llm.generate.LlamaModel;
import dev.starling.llm.tensor.ComputePool;
import dev.starling.social.db.Database;
import dev.starling.social.demo.Corpus;
import dev.starling.social.demo.DemoNetwork;
import dev.starling.social.demo.DemoSummary;
import dev.starling.social.testing.TestDatabase;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Before/after of the grounded-answer examples on the demo network (opt-in: {@code -Dstarling.bench=true}): the demo
 * network as {@code serve --demo} builds it (seed {@code -Dstarling.bench.demoSeed}, default 42), and two demo models
 * ({@code -Dstarling.bench.preset}, default small; tiny: the tiny shape with the demo's 256-token context and
 * batch 8, vocabulary {@code -Dstarling.bench.vocab}, default 2048) trained on its consented posts side by side, at the same time, one thread each, with the same time
 * budget ({@code -Dstarling.bench.budgetSeconds}, default 480): one on plain posts only (or, with
 * {@code -Dstarling.bench.baseline=seq256}, with grounded examples at a 256-token context), one with grounded examples
 * ({@code -Dstarling.bench.groundedShare}, default {@link TrainingJob#DEFAULT_GROUNDED_SHARE}); on a busy machine
 * {@code -Dstarling.bench.steps=N} trains each for N steps instead. Prints each model
 * card's summary and the bits per byte of both on the held-out (validation) posts, which neither trained on. The models
 * are kept in {@code -Dstarling.bench.out} (default {@code target/grounded-bench}) for {@code ai.answers.GroundingBench}
 * ({@code -Dstarling.bench.model=...}), which measures the citation and grounded shares of Ask.
 */
class GroundedTrainingBench {

    @Test
    void plainVersusGroundedDemoModel() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("starling.bench"), "benchmark: run with -Dstarling.bench=true");
        long seed = Long.getLong("starling.bench.demoSeed", 42);
        long budgetMillis = Long.getLong("starling.bench.budgetSeconds", 480) * 1000;
        double share = Double.parseDouble(System.getProperty("starling.bench.groundedShare",
                Double.toString(TrainingJob.DEFAULT_GROUNDED_SHARE)));
        Path out = Path.of(System.getProperty("starling.bench.out", "target/grounded-bench")).toAbsolutePath();
        Files.createDirectories(out);
        try (Database db = TestDatabase.fresh("ai_grounded_bench", 8)) {
            DemoSummary demo = DemoNetwork.build(db, seed, Corpus.defaultCorpus());
            System.out.printf("demo network (seed %d): %d accounts, %d posts; budget %d s per model, load average %.1f%n", seed,
                    demo.accounts(), demo.posts(), budgetMillis / 1000, load());
            String preset = System.getProperty("starling.bench.preset", "small");
            // a busy machine: a fixed number of steps (-Dstarling.bench.steps) instead of the time budget
            int steps = Integer.getInteger("starling.bench.steps", 0);
            TrainingConfig config = TrainingConfig.preset(preset).withStop(steps, steps > 0 ? 0 : budgetMillis).withThreads(1);
            if (preset.equals("tiny")) { // the demo model's context and batch, the tiny shape (a busy machine)
                config = config.withData(Integer.getInteger("starling.bench.vocab", 2048), 256, 8, 1).withValidation(50, 8, 0.02);
            }
            System.out.printf("preset %s: dim %d, %d layers, vocab up to %d, seq %d, batch %d%n", preset, config.dim(),
                    config.layers(), config.vocabSize(), config.seq(), config.batch());
            // the first model: plain posts only, or (-Dstarling.bench.baseline=seq256) the same grounded examples with the
            // former demo context of 256 tokens and batch 8 (the same tokens per step)
            boolean seq256 = "seq256".equals(System.getProperty("starling.bench.baseline", "plain"));
            TrainingJob plain = seq256
                    ? new TrainingJob(new DatabaseCorpus(db), config.withData(config.vocabSize(), 256, config.batch() * config.seq() / 256,
                            config.accumulation()), out.resolve("demo-grounded-seq256.gguf"),
                            TrainingJob.Options.defaults().withGroundedShare(share))
                    : new TrainingJob(new DatabaseCorpus(db), config, out.resolve("demo-plain.gguf"),
                            TrainingJob.Options.defaults().withGroundedShare(0));
            TrainingJob grounded = new TrainingJob(new DatabaseCorpus(db), config, out.resolve("demo-grounded.gguf"),
                    TrainingJob.Options.defaults().withGroundedShare(share));
            TrainingResult.Completed[] done = new TrainingResult.Completed[2];
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<TrainingResult> a = pool.submit(plain::run);
                Future<TrainingResult> b = pool.submit(grounded::run);
                done[0] = assertInstanceOf(TrainingResult.Completed.class, a.get());
                done[1] = assertInstanceOf(TrainingResult.Completed.class, b.get());
            } finally {
                pool.shutdown();
            }
            CorpusSnapshot split = new DatabaseCorpus(db).read(config.seed(), config.validationFraction(), () -> false);
            List<String> heldOut = split.validation().subList(0, Math.min(400, split.validation().size()));
            Files.write(out.resolve("heldout.txt"), heldOut);
            for (TrainingResult.Completed c : done) {
                ModelCard card = c.card();
                System.out.printf("%s: %d steps (%s), %d tokens seen, train loss %.3f, validation loss %.3f; grounded: %s%n",
                        c.model().getFileName(), card.steps(), card.stoppedBecause(), card.tokensSeen(), card.finalTrainLoss(),
                        card.finalValLoss(), card.grounded().describe());
                try (ComputePool cp = new ComputePool(2); LlamaModel m = LlamaModel.load(c.model(), cp, 1)) {
                    BitsPerByte bpb = LmEvaluation.model(c.model().getFileName().toString(), m.transformer(), m.tokenizer(),
                            HeldOutText.of(heldOut), 256, 128, d -> { });
                    System.out.printf("  held-out plain posts (%d, %d bytes): %.4f bits/byte%n", heldOut.size(), bpb.bytes(),
                            bpb.bitsPerByte());
                }
            }
        }
        System.out.printf("models in %s; load average %.1f%n", out, load());
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
