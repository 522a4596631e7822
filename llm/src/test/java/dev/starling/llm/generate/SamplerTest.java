package dev.starling.llm.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.tensor.TestSeeds;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The sampler's filters and its draw, on seeded random logits. */
class SamplerTest {

    @Test
    void topKOfOneAndZeroTemperatureAreArgmax() {
        long seed = TestSeeds.seed("SamplerTest.argmax");
        Random r = new Random(seed);
        for (int trial = 0; trial < 50; trial++) {
            float[] logits = logits(r, 1 + r.nextInt(2000));
            int want = Sampler.argmax(logits);
            assertEquals(want, new Sampler(SamplingParams.greedy()).sample(logits.clone(), new int[0], 0), "seed " + seed);
            assertEquals(want, new Sampler(new SamplingParams(1.5f, 1, 1f, 0f, 1f, 64, r.nextLong())).sample(logits.clone(), new int[0], 0), "seed " + seed);
        }
    }

    @Test
    void topIndicesAreTheLargestInOrder() {
        long seed = TestSeeds.seed("SamplerTest.topIndices");
        Random r = new Random(seed);
        for (int trial = 0; trial < 50; trial++) {
            float[] logits = logits(r, 1 + r.nextInt(500));
            int k = 1 + r.nextInt(logits.length);
            int[] top = Sampler.topIndices(logits, k);
            Integer[] all = new Integer[logits.length];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            java.util.Arrays.sort(all, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
            for (int i = 0; i < k; i++) {
                assertEquals(all[i].intValue(), top[i], "rank " + i + ", seed " + seed);
            }
        }
    }

    @Test
    void drawFollowsTheSoftmaxAndFiltersCut() {
        long seed = TestSeeds.seed("SamplerTest.draw");
        float[] logits = {2f, 1f, 0f, -1f, -8f};
        double[] p = new double[logits.length];
        double z = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i]);
            z += p[i];
        }
        Sampler s = new Sampler(new SamplingParams(1f, 0, 1f, 0f, 1f, 64, seed));
        int n = 40_000;
        int[] counts = new int[logits.length];
        for (int i = 0; i < n; i++) {
            counts[s.sample(logits.clone(), new int[0], 0)]++;
        }
        for (int i = 0; i < p.length; i++) {
            double want = p[i] / z * n;
            assertTrue(Math.abs(counts[i] - want) <= 5 * Math.sqrt(want) + 5, "token " + i + ": " + counts[i] + " vs " + want + ", seed " + seed);
        }
        // min-p 0.3: only tokens with p >= 0.3 * p(top) = tokens 0 and 1 (e^-1 = 0.37)
        Sampler m = new Sampler(new SamplingParams(1f, 0, 1f, 0.3f, 1f, 64, seed));
        for (int i = 0; i < 2000; i++) {
            assertTrue(m.sample(logits.clone(), new int[0], 0) <= 1);
        }
        // top-p 0.5: token 0 alone has p = 0.64
        Sampler tp = new Sampler(new SamplingParams(1f, 0, 0.5f, 0f, 1f, 64, seed));
        for (int i = 0; i < 2000; i++) {
            assertEquals(0, tp.sample(logits.clone(), new int[0], 0));
        }
    }

    @Test
    void repetitionPenaltyDemotesRecentTokens() {
        float[] logits = {3f, 2.9f, -1f};
        Sampler s = new Sampler(new SamplingParams(0f, 0, 1f, 0f, 1.5f, 64, 1));
        assertEquals(1, s.sample(logits.clone(), new int[] {0}, 1));
        assertEquals(0, s.sample(logits.clone(), new int[] {0, 2}, 1 - 1)); // empty window: no penalty
    }

    private static float[] logits(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * 3);
        }
        return v;
    }
}
