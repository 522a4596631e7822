package dev.starling.llm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.model.RopeStyle;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Schedule, clipping, AdamW by hand, accumulation equivalence and determinism. */
class OptimizerTest {

    @Test
    void scheduleWarmsUpThenDecaysByCosine() {
        LrSchedule s = new LrSchedule(1.0, 0.1, 4, 14);
        assertEquals(0.25, s.lr(0), 1e-12);
        assertEquals(1.0, s.lr(3), 1e-12);
        assertEquals(1.0, s.lr(4), 1e-12);
        assertEquals(0.55, s.lr(9), 1e-12); // halfway through the decay
        assertEquals(0.1, s.lr(14), 1e-12);
        assertEquals(0.1, s.lr(1000), 1e-12);
        for (int i = 4; i < 14; i++) {
            assertTrue(s.lr(i + 1) < s.lr(i), "not decreasing at " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(1.0, 2.0, 1, 10));
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(1.0, 0.1, 10, 10));
    }

    @Test
    void clipScalesToMaxNormOnlyWhenAbove() {
        TrainParameter a = TrainParameter.zeros("a", 1, 2, true);
        a.grad()[0] = 3;
        a.grad()[1] = 4;
        assertEquals(5, GradClip.clip(List.of(a), 10), 1e-6);
        assertArrayEquals(new float[] {3, 4}, a.grad());
        assertEquals(5, GradClip.clip(List.of(a), 1), 1e-6);
        assertEquals(1, GradClip.globalNorm(List.of(a)), 1e-6);
        assertEquals(0.6f, a.grad()[0], 1e-6);
    }

    @Test
    void adamWFirstStepsByHand() {
        TrainParameter w = TrainParameter.zeros("w", 1, 1, true);
        TrainParameter g = TrainParameter.zeros("g", 1, 1, false);
        w.value()[0] = 1;
        g.value()[0] = 1;
        AdamW opt = new AdamW(0.9, 0.999, 1e-8, 0.5);
        w.grad()[0] = 2;
        g.grad()[0] = 2;
        opt.step(List.of(w, g), 0.1);
        // bias-corrected first step moves by lr·sign(grad); decay multiplies by 1 − lr·wd first
        assertEquals(1 * (1 - 0.1 * 0.5) - 0.1, w.value()[0], 1e-6);
        assertEquals(1 - 0.1, g.value()[0], 1e-6);
        w.grad()[0] = -2;
        opt.step(List.of(w), 0.1);
        double m = 0.9 * 0.2 + 0.1 * -2;
        double v = 0.999 * 0.004 + 0.001 * 4;
        double expected = 0.85 * 0.95 - 0.1 * (m / (1 - 0.81)) / (Math.sqrt(v / (1 - 0.999 * 0.999)) + 1e-8);
        assertEquals(expected, w.value()[0], 1e-6);
    }

    @Test
    void accumulatedMicroBatchesEqualOneBatchAndRunsAreDeterministic() {
        long seed = TinyModels.seed();
        ModelConfig c = TinyModels.config("llama", 16, 2, 4, 2, 24, 29, RopeStyle.NORMAL);
        SplittableRandom rnd = new SplittableRandom(seed);
        int seq = 6;
        int[] tokens = new int[4 * seq];
        int[] targets = new int[4 * seq];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rnd.nextInt(c.vocabSize());
            targets[i] = rnd.nextInt(c.vocabSize());
        }
        long init = rnd.nextLong();
        LlamaParameters whole = train(c, init, new int[][] {tokens}, new int[][] {targets}, 4, seq);
        int[][] tok = {java.util.Arrays.copyOfRange(tokens, 0, 2 * seq), java.util.Arrays.copyOfRange(tokens, 2 * seq, 4 * seq)};
        int[][] tgt = {java.util.Arrays.copyOfRange(targets, 0, 2 * seq), java.util.Arrays.copyOfRange(targets, 2 * seq, 4 * seq)};
        LlamaParameters accumulated = train(c, init, tok, tgt, 2, seq);
        LlamaParameters again = train(c, init, tok, tgt, 2, seq);
        for (int i = 0; i < whole.all().size(); i++) {
            TrainParameter a = whole.all().get(i);
            TrainParameter b = accumulated.all().get(i);
            for (int j = 0; j < a.size(); j++) {
                assertEquals(a.value()[j], b.value()[j], 1e-5 * (1 + Math.abs(a.value()[j])), a.name() + "[" + j + "] seed " + seed);
            }
            assertArrayEquals(b.value(), again.all().get(i).value(), "not deterministic: " + b.name() + " seed " + seed);
        }
    }

    private static LlamaParameters train(ModelConfig c, long init, int[][] tok, int[][] tgt, int batch, int seq) {
        LlamaParameters p = new LlamaParameters(c, false);
        p.initialize(init, 0.2);
        Trainer t = new Trainer(p, new AdamW(0.9, 0.95, 1e-8, 0.1), new LrSchedule(1e-2, 1e-3, 1, 3), 0.5);
        for (int s = 0; s < 3; s++) {
            t.step(tok, tgt, batch, seq);
        }
        return p;
    }
}
