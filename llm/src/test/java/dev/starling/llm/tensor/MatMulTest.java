package dev.starling.llm.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Multithreaded matvec/matmul equal the scalar reference row by row; the pool covers every index once. */
class MatMulTest {

    @Test
    void matvecAndMatmulMatchTheScalarReference() {
        long seed = TestSeeds.seed("MatMulTest.matvecAndMatmul");
        Random r = new Random(seed);
        try (Arena arena = Arena.ofShared(); ComputePool pool = new ComputePool(3)) {
            for (QuantType type : QuantType.values()) {
                for (int trial = 0; trial < 4; trial++) {
                    int rows = 1 + r.nextInt(70);
                    int cols = type.blockSize == 1 ? 1 + r.nextInt(200) : type.blockSize * (1 + r.nextInt(type.blockSize == 32 ? 8 : 2));
                    int n = 1 + r.nextInt(6);
                    MemorySegment s = RandomRows.matrix(arena, type, rows, cols, 0, r);
                    QuantizedMatrix w = new QuantizedMatrix("w", type, s, rows, cols);
                    float[] x = RandomRows.vector(n * cols, r);
                    // Q8_0/Q4_0 activations are rounded to Q8_0 before every product, as llama.cpp does (the integer
                    // Q8_0 matvec quantizes its input, which leaves rounded values as they are)
                    ActivationRounding.round(type, x, n, cols);
                    int outOff = r.nextInt(3);
                    int stride = rows + outOff + r.nextInt(3);
                    float[] out = new float[n * stride + outOff];
                    MatMul.matmul(pool, w, x, n, out, outOff, stride);
                    float[] mv = new float[rows];
                    MatMul.matvec(pool, w, x, 0, mv, 0);
                    for (int t = 0; t < n; t++) {
                        for (int row = 0; row < rows; row++) {
                            float want = ScalarKernels.dot(type, s, w.rowOffset(row), x, t * cols, cols);
                            float got = out[t * stride + outOff + row];
                            float tol = RandomRows.dotTolerance(type, s, w.rowOffset(row), x, t * cols, cols);
                            int tt = t, rr = row;
                            assertEquals(want, got, tol, () -> type + " matmul token " + tt + " row " + rr + ", seed " + seed);
                            if (t == 0) {
                                assertEquals(want, mv[row], tol, () -> type + " matvec row " + rr + ", seed " + seed);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void matmulManyEqualsSeparateProducts() {
        long seed = TestSeeds.seed("MatMulTest.matmulMany");
        Random r = new Random(seed);
        try (Arena arena = Arena.ofShared(); ComputePool pool = new ComputePool(2)) {
            for (int n : new int[] {1, 3, 9}) {
                QuantType[] types = {QuantType.Q8_0, QuantType.Q4_K, QuantType.F16};
                int cols = 256;
                QuantizedMatrix[] ws = new QuantizedMatrix[types.length];
                float[][] xs = new float[types.length][];
                float[][] outs = new float[types.length][];
                for (int i = 0; i < types.length; i++) {
                    int rows = 1 + r.nextInt(40);
                    ws[i] = new QuantizedMatrix("w" + i, types[i], RandomRows.matrix(arena, types[i], rows, cols, 0, r), rows, cols);
                    xs[i] = RandomRows.vector(n * cols, r);
                    outs[i] = new float[n * rows];
                }
                MatMul.matmulMany(pool, ws, xs, n, outs);
                for (int i = 0; i < types.length; i++) {
                    float[] want = new float[n * ws[i].rows()];
                    MatMul.matmul(pool, ws[i], xs[i], n, want, 0, ws[i].rows());
                    for (int j = 0; j < want.length; j++) {
                        int ii = i, jj = j;
                        assertEquals(want[j], outs[i][j], 0f, () -> "matrix " + ii + " element " + jj + ", seed " + seed);
                    }
                }
            }
        }
    }

    @Test
    void poolVisitsEveryIndexExactlyOnceAndRethrows() {
        try (ComputePool pool = new ComputePool(2)) {
            for (int round = 0; round < 200; round++) {
                int n = 1 + round * 7;
                AtomicIntegerArray seen = new AtomicIntegerArray(n);
                pool.parallelFor(n, 3, (a, b) -> {
                    for (int i = a; i < b; i++) {
                        seen.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, seen.get(i), "index " + i + " of " + n);
                }
            }
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> pool.parallelFor(100, 1, (a, b) -> { throw new IllegalStateException("boom at " + a); }));
            assertTrue(e.getMessage().startsWith("boom"));
            // still usable after a failure
            AtomicIntegerArray seen = new AtomicIntegerArray(10);
            pool.parallelFor(10, 1, (a, b) -> {
                for (int i = a; i < b; i++) {
                    seen.incrementAndGet(i);
                }
            });
            assertEquals(1, seen.get(9));
        }
    }
}
