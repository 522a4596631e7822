package dev.starling.llm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.generate.LlamaModel;
import dev.starling.llm.model.KvCache;
import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.model.RopeStyle;
import dev.starling.llm.model.Transformer;
import dev.starling.llm.synth.ModelVocabulary;
import dev.starling.llm.tensor.ComputePool;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Train a few steps, export to GGUF, load with the inference engine: its logits for every position
 * equal the training forward's (so training and inference compute the same function, per
 * architecture's rope pairing, tied and untied).
 */
class GgufExportTest {

    @Test
    void llamaUntiedRoundTrip(@TempDir Path dir) throws Exception {
        roundTrip(TinyModels.config("llama", 32, 2, 4, 2, 48, 300, RopeStyle.NORMAL), false, dir, TinyModels.seed());
    }

    @Test
    void qwen2TiedRoundTrip(@TempDir Path dir) throws Exception {
        roundTrip(TinyModels.config("qwen2", 32, 2, 4, 1, 40, 300, RopeStyle.NEOX), true, dir, TinyModels.seed());
    }

    private static void roundTrip(ModelConfig c, boolean tied, Path dir, long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        LlamaParameters p = new LlamaParameters(c, tied);
        p.initialize(rnd.nextLong(), 0.1);
        int batch = 2;
        int seq = 12;
        int[][] tokens = new int[1][batch * seq];
        int[][] targets = new int[1][batch * seq];
        for (int i = 0; i < batch * seq; i++) {
            tokens[0][i] = rnd.nextInt(c.vocabSize());
            targets[0][i] = (tokens[0][i] + 1) % c.vocabSize();
        }
        Trainer trainer = new Trainer(p, new AdamW(0.9, 0.95, 1e-8, 0.1), new LrSchedule(3e-3, 3e-4, 1, 4), 1.0);
        double first = trainer.step(tokens, targets, batch, seq).loss();
        double last = first;
        for (int s = 1; s < 4; s++) {
            last = trainer.step(tokens, targets, batch, seq).loss();
        }
        assertTrue(last < first, "loss did not fall: " + first + " -> " + last);
        Path out = dir.resolve("trained.gguf");
        GgufExport.write(p, ModelVocabulary.synthetic(c.vocabSize()), "starling-test", out);
        int[] seqTokens = java.util.Arrays.copyOf(tokens[0], seq);
        double[] expected = new LlamaReference(p).forward(seqTokens, null, 1, seq, true).logits(); // [seq][vocab]
        try (ComputePool pool = new ComputePool(1); LlamaModel m = LlamaModel.load(out, pool, 1, false)) {
            assertEquals(c.ropeStyle(), m.config().ropeStyle());
            Transformer t = m.transformer();
            KvCache cache = t.newCache(seq);
            KvCache[] caches = new KvCache[seq];
            boolean[] want = new boolean[seq];
            java.util.Arrays.fill(caches, cache);
            java.util.Arrays.fill(want, true);
            float[] actual = t.forward(caches, seqTokens, want, false).logits();
            double max = 0;
            for (double e : expected) {
                max = Math.max(max, Math.abs(e));
            }
            double worst = 0;
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / max);
            }
            System.out.printf("%s tied=%s: inference vs training logits, worst error %.2e of max|x| %.3f%n",
                    c.architecture(), tied, worst, max);
            assertTrue(worst < 1e-4, "inference logits differ from training's by " + worst + " of max|x|");
        }
    }
}
