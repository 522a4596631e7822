package dev.starling.llm.train;

import dev.starling.llm.tensor.ComputePool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels of the fast F32 trainer ({@link FastLlama}), each a tiled, multithreaded
 * version of a loop in {@link Ops} (tested against it through the whole model). Each thread owns
 * disjoint output rows, so results do not depend on the thread count.
 */
final class TrainKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    private TrainKernels() {
    }

    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - L; i += L) {
            acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
        }
        float s = sum(acc);
        for (; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    /**
     * Sum of the lanes in lane order. reduceLanes(ADD) may add in a different order in the JIT intrinsic
     * than in the interpreter's fallback, which would make results depend on warm-up.
     */
    private static float sum(FloatVector v) {
        float s = 0;
        for (int i = 0; i < L; i++) {
            s += v.lane(i);
        }
        return s;
    }

    /** y[yo..yo+n) += s · x[xo..xo+n). */
    static void axpy(float s, float[] x, int xo, float[] y, int yo, int n) {
        FloatVector sv = FloatVector.broadcast(F, s);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(F, x, xo + i).fma(sv, FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] += s * x[xo + i];
        }
    }

    /** y[n][out] = x[n][in] · W[out][in]^T, as x · (W^T) with W transposed once. */
    static void matmul(ComputePool pool, float[] x, float[] w, float[] y, int n, int in, int out) {
        nn(pool, x, transpose(pool, w, out, in), y, n, out, in, false);
    }

    /** dx[n][in] += dy[n][out] · W[out][in]. */
    static void matmulBackwardInput(ComputePool pool, float[] dy, float[] w, float[] dx, int n, int in, int out) {
        nn(pool, dy, w, dx, n, in, out, true);
    }

    /** dW[out][in] += dy[n][out]^T · x[n][in], as (dy^T) · x with dy transposed once. */
    static void matmulBackwardWeight(ComputePool pool, float[] x, float[] dy, float[] dw, int n, int in, int out) {
        nn(pool, transpose(pool, dy, n, out), x, dw, out, in, n, true);
    }

    /**
     * c[m][n] (+)= a[m][k] · b[k][n], the classic GEMM micro-kernel: 4 rows of c by 2 vectors of
     * columns held in 8 accumulators over the whole k (broadcast a, load b, FMA); no horizontal sums,
     * and every element is summed over p = 0..k-1 in order, so results do not depend on threads or JIT.
     */
    static void nn(ComputePool pool, float[] a, float[] b, float[] c, int m, int n, int k, boolean accumulate) {
        int rowTiles = (m + 3) / 4;
        int colTiles = (n + 2 * L - 1) / (2 * L);
        pool.parallelFor(rowTiles * colTiles, 1, (s, e) -> {
            for (int job = s; job < e; job++) {
                int i = (job % rowTiles) * 4;
                int j = (job / rowTiles) * 2 * L;
                if (i + 4 <= m && j + 2 * L <= n) {
                    kernel4x2(a, b, c, i, j, n, k, accumulate);
                } else {
                    for (int r = i; r < Math.min(m, i + 4); r++) {
                        for (int col = j; col < Math.min(n, j + 2 * L); col++) {
                            float acc = 0;
                            for (int p = 0; p < k; p++) {
                                acc = Math.fma(a[r * k + p], b[p * n + col], acc);
                            }
                            c[r * n + col] = accumulate ? c[r * n + col] + acc : acc;
                        }
                    }
                }
            }
        });
    }

    private static void kernel4x2(float[] a, float[] b, float[] c, int i, int j, int n, int k, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F);
        FloatVector c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F);
        FloatVector c31 = FloatVector.zero(F);
        int a0 = i * k;
        for (int p = 0; p < k; p++) {
            int bo = p * n + j;
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + L);
            FloatVector x = FloatVector.broadcast(F, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, a[a0 + k + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, a[a0 + 2 * k + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, a[a0 + 3 * k + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        put(c, i * n + j, c00, c01, accumulate);
        put(c, (i + 1) * n + j, c10, c11, accumulate);
        put(c, (i + 2) * n + j, c20, c21, accumulate);
        put(c, (i + 3) * n + j, c30, c31, accumulate);
    }

    private static void put(float[] c, int at, FloatVector v0, FloatVector v1, boolean accumulate) {
        if (accumulate) {
            v0 = v0.add(FloatVector.fromArray(F, c, at));
            v1 = v1.add(FloatVector.fromArray(F, c, at + L));
        }
        v0.intoArray(c, at);
        v1.intoArray(c, at + L);
    }

    /** [rows][cols] to [cols][rows]. */
    static float[] transpose(ComputePool pool, float[] a, int rows, int cols) {
        float[] t = new float[rows * cols];
        int tile = 32;
        int colTiles = (cols + tile - 1) / tile;
        pool.parallelFor(colTiles, 1, (s, e) -> {
            for (int ct = s; ct < e; ct++) {
                int c0 = ct * tile;
                int c1 = Math.min(cols, c0 + tile);
                for (int r0 = 0; r0 < rows; r0 += tile) {
                    int r1 = Math.min(rows, r0 + tile);
                    for (int c = c0; c < c1; c++) {
                        for (int r = r0; r < r1; r++) {
                            t[c * rows + r] = a[r * cols + c];
                        }
                    }
                }
            }
        });
        return t;
    }

}
