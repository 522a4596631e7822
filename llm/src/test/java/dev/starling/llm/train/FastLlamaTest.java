package dev.starling.llm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.model.RopeStyle;
import dev.starling.llm.tensor.ComputePool;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast F32 path against the float64 reference (loss and every gradient), and independent of thread count. */
class FastLlamaTest {

    @Test
    void matchesReferenceAndIsThreadCountIndependent() {
        long seed = TinyModels.seed();
        // odd sizes so vector tails and partial tiles are exercised
        check(TinyModels.config("llama", 40, 2, 4, 2, 70, 67, RopeStyle.NORMAL), false, seed);
        check(TinyModels.config("qwen2", 32, 1, 8, 2, 50, 33, RopeStyle.NEOX), true, seed + 1);
    }

    private static void check(ModelConfig c, boolean tied, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        LlamaParameters p = new LlamaParameters(c, tied);
        p.initialize(rnd.nextLong(), 0.2);
        int batch = 3;
        int seq = 19;
        int[] tokens = new int[batch * seq];
        int[] targets = new int[batch * seq];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rnd.nextInt(c.vocabSize());
            targets[i] = rnd.nextInt(c.vocabSize());
        }
        p.zeroGrad();
        double refLoss = new LlamaReference(p).lossAndGrad(tokens, targets, batch, seq, 0.5);
        float[][] refGrads = grads(p);
        float[][] oneThread;
        try (ComputePool pool = new ComputePool(1)) {
            p.zeroGrad();
            double loss = new FastLlama(p, pool).lossAndGrad(tokens, targets, batch, seq, 0.5);
            assertEquals(refLoss, loss, 1e-5 * refLoss, "loss, seed " + seed);
            oneThread = grads(p);
        }
        try (ComputePool pool = new ComputePool(3)) {
            p.zeroGrad();
            new FastLlama(p, pool).lossAndGrad(tokens, targets, batch, seq, 0.5);
        }
        float[][] threeThreads = grads(p);
        for (int i = 0; i < refGrads.length; i++) {
            String name = p.all().get(i).name();
            double max = 0;
            for (float g : refGrads[i]) {
                max = Math.max(max, Math.abs(g));
            }
            assertTrue(max > 0, name);
            for (int j = 0; j < refGrads[i].length; j++) {
                assertEquals(refGrads[i][j], oneThread[i][j], 1e-4 * max, name + "[" + j + "] seed " + seed);
            }
            assertArrayEquals(oneThread[i], threeThreads[i], name + " depends on the thread count, seed " + seed);
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
