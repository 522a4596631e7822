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

    @Test
    void dropoutMatchesReferenceAndIsThreadCountIndependent() {
        long seed = TinyModels.seed();
        check(TinyModels.config("llama", 40, 2, 4, 2, 70, 67, RopeStyle.NORMAL), false, seed, new Dropout(0.3, seed ^ 7), 12345L);
    }

    private static void check(ModelConfig c, boolean tied, long seed) {
        check(c, tied, seed, Dropout.NONE, 0);
    }

    private static void check(ModelConfig c, boolean tied, long seed, Dropout dropout, long key) {
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
        double refLoss = new LlamaReference(p, dropout).forwardBackward(tokens, targets, batch, seq, 0.5, key).loss();
        if (dropout.active()) { // the masks are applied: the loss differs from the pass without dropout
            double plain = new LlamaReference(p).forward(tokens, targets, batch, seq, false).loss();
            assertTrue(Math.abs(plain - refLoss) > 1e-4, "dropout changed nothing: " + plain + " vs " + refLoss + ", seed " + seed);
            p.zeroGrad();
            new LlamaReference(p, dropout).forwardBackward(tokens, targets, batch, seq, 0.5, key);
        }
        float[][] refGrads = grads(p);
        float[][] oneThread;
        try (ComputePool pool = new ComputePool(1)) {
            p.zeroGrad();
            FastLlama fast = new FastLlama(p, pool, dropout);
            double loss = fast.lossAndGrad(tokens, targets, batch, seq, 0.5, key);
            assertEquals(refLoss, loss, 1e-5 * refLoss, "loss, seed " + seed);
            oneThread = grads(p);
            // evaluation never drops
            assertEquals(new LlamaReference(p).forward(tokens, targets, batch, seq, false).loss(),
                    fast.loss(tokens, targets, batch, seq), 1e-5 * refLoss, "evaluation loss, seed " + seed);
            oneThread = grads(p);
        }
        try (ComputePool pool = new ComputePool(3)) {
            p.zeroGrad();
            new FastLlama(p, pool, dropout).lossAndGrad(tokens, targets, batch, seq, 0.5, key);
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
