package dev.starling.app.loadbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencyStatsTest {
    private static final long SEED = Long.getLong("tests.seed", System.nanoTime());

    @Test
    void nearestRankOnOneToHundred() {
        long[] v = new long[100];
        for (int i = 0; i < 100; i++) {
            v[i] = 100 - i; // unsorted on purpose
        }
        LatencyStats s = LatencyStats.of(v);
        assertEquals(100, s.count());
        assertEquals(50, s.percentileMicros(50));
        assertEquals(90, s.percentileMicros(90));
        assertEquals(99, s.percentileMicros(99));
        assertEquals(100, s.percentileMicros(99.9));
        assertEquals(100, s.percentileMicros(100));
        assertEquals(1, s.percentileMicros(0.5));
        assertEquals(1, s.minMicros());
        assertEquals(100, s.maxMicros());
        assertEquals(50.5, s.meanMicros(), 1e-9);
    }

    @Test
    void fractionalPercentileIsExact() {
        long[] v = new long[1000];
        for (int i = 0; i < 1000; i++) {
            v[i] = i + 1;
        }
        assertEquals(999, LatencyStats.of(v).percentileMicros(99.9));
        assertEquals(500, LatencyStats.of(v).percentileMicros(50));
    }

    @Test
    void emptyAndInvalid() {
        LatencyStats empty = LatencyStats.of(new long[0]);
        assertEquals(-1, empty.percentileMicros(99));
        assertEquals(-1, empty.maxMicros());
        assertEquals("n/a", LatencyStats.millis(empty.percentileMicros(50)));
        assertThrows(IllegalArgumentException.class, () -> empty.percentileMicros(0));
        assertThrows(IllegalArgumentException.class, () -> empty.percentileMicros(100.5));
        assertThrows(IllegalArgumentException.class, () -> LatencyStats.of(new long[] {3, -1}));
        assertThrows(IllegalArgumentException.class, () -> new LatencyRecorder().record(-5));
    }

    /** Against the definition itself: the smallest sample with at least p% of samples at or below it. */
    @Test
    void randomSamplesMatchTheDefinition() {
        System.out.println("LatencyStatsTest seed: " + SEED + " (replay with -Dtests.seed=" + SEED + ")");
        SplittableRandom r = new SplittableRandom(SEED);
        for (int round = 0; round < 200; round++) {
            int n = 1 + r.nextInt(700);
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = r.nextInt(4) == 0 ? r.nextLong(1_000_000) : r.nextLong(50); // many ties
            }
            LatencyStats s = LatencyStats.of(v);
            for (double p : new double[] {0.1, 1, 25, 50, 75, 90, 99, 99.9, 100, r.nextDouble(0.01, 100)}) {
                assertEquals(byDefinition(v, p), s.percentileMicros(p), "seed " + SEED + " round " + round + " n " + n + " p " + p);
            }
        }
    }

    @Test
    void recordersMergeAcrossGrowth() {
        SplittableRandom r = new SplittableRandom(SEED);
        LatencyRecorder a = new LatencyRecorder();
        LatencyRecorder b = new LatencyRecorder();
        long[] all = new long[5000];
        for (int i = 0; i < all.length; i++) {
            all[i] = r.nextLong(10_000);
            (i % 3 == 0 ? a : b).record(all[i]);
        }
        LatencyStats merged = LatencyRecorder.merge(List.of(a, b));
        LatencyStats direct = LatencyStats.of(all);
        assertEquals(5000, merged.count());
        for (double p : new double[] {1, 50, 99, 100}) {
            assertEquals(direct.percentileMicros(p), merged.percentileMicros(p));
        }
        assertEquals(direct.meanMicros(), merged.meanMicros(), 1e-9);
    }

    private static long byDefinition(long[] v, double p) {
        long best = Long.MAX_VALUE;
        for (long candidate : v) {
            int atOrBelow = 0;
            for (long x : v) {
                if (x <= candidate) {
                    atOrBelow++;
                }
            }
            // at least p% at or below: atOrBelow * 100 >= p * n, in exact decimal arithmetic
            if (java.math.BigDecimal.valueOf(atOrBelow).multiply(java.math.BigDecimal.valueOf(100))
                    .compareTo(java.math.BigDecimal.valueOf(p).multiply(java.math.BigDecimal.valueOf(v.length))) >= 0) {
                best = Math.min(best, candidate);
            }
        }
        return best;
    }
}
