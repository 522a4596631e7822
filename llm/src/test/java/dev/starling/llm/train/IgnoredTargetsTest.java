package dev.starling.llm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.model.RopeStyle;
import dev.starling.llm.tensor.ComputePool;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Targets marked {@link LossModel#IGNORE} are not trained on (an answer is, the prompt before it is not): the loss is
 * the mean over the kept positions only, so it must equal the mean of the losses with one kept position at a time
 * (a causal model's per-position losses do not depend on the other targets), and so must the gradients. Checked on
 * the float64 reference and the fast path.
 */
class IgnoredTargetsTest {

    @Test
    void lossAndGradientsAreTheMeanOverKeptPositions() {
        long seed = TinyModels.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        ModelConfig c = TinyModels.config("llama", 24, 2, 4, 2, 40, 29, RopeStyle.NORMAL);
        LlamaParameters p = new LlamaParameters(c, false);
        p.initialize(rnd.nextLong(), 0.2);
        int batch = 2;
        int seq = 9;
        int n = batch * seq;
        int[] tokens = new int[n];
        int[] targets = new int[n];
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tokens[i] = rnd.nextInt(c.vocabSize());
            boolean keep = rnd.nextInt(3) == 0 || i == n - 1;
            targets[i] = keep ? rnd.nextInt(c.vocabSize()) : LossModel.IGNORE;
            if (keep) {
                kept.add(i);
            }
        }
        // the masked batch, on the reference
        p.zeroGrad();
        double masked = new LlamaReference(p).lossAndGrad(tokens, targets, batch, seq, 1.0);
        float[][] maskedGrads = grads(p);
        // the same, one kept position at a time, averaged
        double meanLoss = 0;
        double[][] meanGrads = new double[maskedGrads.length][];
        for (int i = 0; i < meanGrads.length; i++) {
            meanGrads[i] = new double[maskedGrads[i].length];
        }
        for (int k : kept) {
            int[] one = new int[n];
            java.util.Arrays.fill(one, LossModel.IGNORE);
            one[k] = targets[k];
            p.zeroGrad();
            meanLoss += new LlamaReference(p).lossAndGrad(tokens, one, batch, seq, 1.0) / kept.size();
            float[][] g = grads(p);
            for (int i = 0; i < g.length; i++) {
                for (int j = 0; j < g[i].length; j++) {
                    meanGrads[i][j] += g[i][j] / kept.size();
                }
            }
        }
        assertEquals(meanLoss, masked, 1e-6 * meanLoss, "masked loss is the mean over kept positions, seed " + seed);
        for (int i = 0; i < maskedGrads.length; i++) {
            double max = 0;
            for (double v : meanGrads[i]) {
                max = Math.max(max, Math.abs(v));
            }
            for (int j = 0; j < maskedGrads[i].length; j++) {
                assertEquals(meanGrads[i][j], maskedGrads[i][j], 1e-5 * max + 1e-12, p.all().get(i).name() + "[" + j + "] seed " + seed);
            }
        }
        // the fast path agrees with the reference on the masked batch
        try (ComputePool pool = new ComputePool(2)) {
            p.zeroGrad();
            double fast = new FastLlama(p, pool).lossAndGrad(tokens, targets, batch, seq, 1.0);
            assertEquals(masked, fast, 1e-5 * masked, "fast masked loss, seed " + seed);
            float[][] fastGrads = grads(p);
            for (int i = 0; i < fastGrads.length; i++) {
                double max = 0;
                for (float v : maskedGrads[i]) {
                    max = Math.max(max, Math.abs(v));
                }
                assertTrue(max > 0, p.all().get(i).name());
                for (int j = 0; j < fastGrads[i].length; j++) {
                    assertEquals(maskedGrads[i][j], fastGrads[i][j], 1e-4 * max, p.all().get(i).name() + "[" + j + "] seed " + seed);
                }
            }
        }
    }

    @Test
    void allIgnoredIsZeroLossAndNoGradientAndOtherNegativesAreRejected() {
        ModelConfig c = TinyModels.config("llama", 16, 1, 2, 1, 24, 11, RopeStyle.NORMAL);
        LlamaParameters p = new LlamaParameters(c, true);
        p.initialize(3, 0.2);
        int[] tokens = {1, 2, 3, 4};
        int[] none = {LossModel.IGNORE, LossModel.IGNORE, LossModel.IGNORE, LossModel.IGNORE};
        try (ComputePool pool = new ComputePool(1)) {
            p.zeroGrad();
            assertEquals(0.0, new FastLlama(p, pool).lossAndGrad(tokens, none, 1, 4, 1.0));
            for (float[] g : grads(p)) {
                for (float v : g) {
                    assertEquals(0f, v);
                }
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new FastLlama(p, pool).lossAndGrad(tokens, new int[] {1, -2, 3, 4}, 1, 4, 1.0));
            assertTrue(e.getMessage().contains("outside the vocabulary"), e.getMessage());
        }
    }

    private static float[][] grads(LlamaParameters p) {
        float[][] r = new float[p.all().size()][];
        for (int i = 0; i < r.length; i++) {
            r[i] = p.all().get(i).grad().clone();
        }
        return r;
    }
}
