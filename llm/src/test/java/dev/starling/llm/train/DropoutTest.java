package dev.starling.llm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.tensor.ComputePool;
import org.junit.jupiter.api.Test;

/** The dropout masks: their readable definition, their rate, their independence of threads, keys and sites. */
class DropoutTest {

    @Test
    void maskBitsFollowTheDefinitionForRaggedLengthsAndAnyThreadCount() {
        long seed = TinyModels.seed();
        Dropout d = new Dropout(0.37, seed);
        for (int n : new int[] {1, 3, 63, 64, 65, 1000, 4099}) {
            long[] one;
            try (ComputePool pool = new ComputePool(1)) {
                one = d.mask(42, Dropout.ffnSite(3), n, pool);
            }
            long[] three;
            try (ComputePool pool = new ComputePool(3)) {
                three = d.mask(42, Dropout.ffnSite(3), n, pool);
            }
            assertArrayEquals(one, three, "n " + n + " depends on the thread count, seed " + seed);
            for (int i = 0; i < n; i++) {
                boolean bit = ((one[i >>> 6] >>> (i & 63)) & 1L) != 0;
                assertEquals(d.keep(42, Dropout.ffnSite(3), i), bit, "n " + n + " element " + i + ", seed " + seed);
            }
            for (int i = n; i < one.length * 64; i++) {
                assertEquals(0, (one[i >>> 6] >>> (i & 63)) & 1L, "bit beyond n " + n + " set, seed " + seed);
            }
        }
    }

    @Test
    void dropsTheRateAndDifferentKeysOrSitesDropDifferentElements() {
        long seed = TinyModels.seed();
        int n = 1 << 20;
        for (double rate : new double[] {0.0, 0.1, 0.5}) {
            Dropout d = new Dropout(rate, seed);
            try (ComputePool pool = new ComputePool(2)) {
                long[] a = d.mask(7, Dropout.attentionSite(0), n, pool);
                long[] b = d.mask(8, Dropout.attentionSite(0), n, pool);
                long[] c = d.mask(7, Dropout.ffnSite(0), n, pool);
                double kept = count(a) / (double) n;
                double sigma = Math.sqrt(rate * (1 - rate) / n);
                assertEquals(1 - rate, kept, 6 * sigma + 1e-9, "kept share at rate " + rate + ", seed " + seed);
                // independent masks keep both with probability (1 − rate)²
                double both = countAnd(a, b) / (double) n;
                double bothSite = countAnd(a, c) / (double) n;
                double expect = (1 - rate) * (1 - rate);
                double s2 = Math.sqrt(expect * (1 - expect) / n);
                assertEquals(expect, both, 6 * s2 + 1e-9, "keys 7 and 8 correlate at rate " + rate + ", seed " + seed);
                assertEquals(expect, bothSite, 6 * s2 + 1e-9, "two sites correlate at rate " + rate + ", seed " + seed);
            }
        }
    }

    @Test
    void applyScalesKeptElementsAndZeroesDropped() {
        Dropout d = new Dropout(0.5, 3);
        float[] a = new float[130];
        java.util.Arrays.fill(a, 2f);
        try (ComputePool pool = new ComputePool(2)) {
            long[] bits = d.mask(1, Dropout.EMBEDDING_SITE, a.length, pool);
            Dropout.apply(a, bits, d.keepScale(), a.length, pool);
            for (int i = 0; i < a.length; i++) {
                assertEquals(d.keep(1, Dropout.EMBEDDING_SITE, i) ? 4f : 0f, a[i], "element " + i);
            }
        }
    }

    @Test
    void rejectsRatesOutsideTheRange() {
        assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(0.95, 1));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(Double.NaN, 1));
        assertTrue(new Dropout(0.9, 1).active());
    }

    private static long count(long[] bits) {
        long s = 0;
        for (long w : bits) {
            s += Long.bitCount(w);
        }
        return s;
    }

    private static long countAnd(long[] a, long[] b) {
        long s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Long.bitCount(a[i] & b[i]);
        }
        return s;
    }
}
