package dev.starling.llm.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Guided loops ({@link ComputePool#parallelForGuided}) cover every index once, in pieces no smaller than asked but the last. */
class ComputePoolGuidedTest {

    @Test
    void everyIndexRunsOnceInPiecesOfAtLeastTheMinimum() {
        long seed = TestSeeds.seed("ComputePoolGuidedTest.cover");
        Random r = new Random(seed);
        for (int threads = 1; threads <= 4; threads++) {
            try (ComputePool pool = new ComputePool(threads)) {
                for (int round = 0; round < 60; round++) {
                    int n = r.nextInt(5000);
                    int min = 1 + r.nextInt(r.nextBoolean() ? 4 : 200);
                    AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(1, n));
                    AtomicIntegerArray small = new AtomicIntegerArray(1);
                    pool.parallelForGuided(n, min, (s, e) -> {
                        assertTrue(s < e, "empty piece");
                        if (e - s < min && e != n) {
                            small.incrementAndGet(0);
                        }
                        for (int i = s; i < e; i++) {
                            hits.incrementAndGet(i);
                        }
                    });
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, hits.get(i), "index " + i + " of " + n + ", min " + min + ", threads " + threads + ", seed " + seed);
                    }
                    assertEquals(0, small.get(0), "pieces below the minimum before the end, n " + n + ", min " + min + ", seed " + seed);
                }
            }
        }
    }

    @Test
    void aFailureInAPieceReachesTheCaller() {
        try (ComputePool pool = new ComputePool(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.parallelForGuided(1000, 7, (s, end) -> {
                if (s <= 500 && 500 < end) {
                    throw new IllegalStateException("piece with 500");
                }
            }));
            assertEquals("piece with 500", e.getMessage());
            int[] sum = new int[1];
            pool.parallelForGuided(10, 100, (s, end) -> sum[0] += end - s); // one piece, on the caller: the pool still works
            assertEquals(10, sum[0]);
        }
    }
}
