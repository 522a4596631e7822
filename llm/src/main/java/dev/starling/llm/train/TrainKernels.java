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
    private static final int ROW_BLOCK = 16;
    private static final int OUT_BLOCK = 64;
    private static final int WGRAD_BLOCK = 8;

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

    /** y[n][out] = x[n][in] · W[out][in]^T; four weight rows at a time share each load of x. */
    static void matmul(ComputePool pool, float[] x, float[] w, float[] y, int n, int in, int out) {
        int blocks = (n + ROW_BLOCK - 1) / ROW_BLOCK;
        pool.parallelFor(blocks * ((out + OUT_BLOCK - 1) / OUT_BLOCK), 1, (s, e) -> {
            for (int job = s; job < e; job++) {
                int r0 = (job % blocks) * ROW_BLOCK;
                int o0 = (job / blocks) * OUT_BLOCK;
                int r1 = Math.min(n, r0 + ROW_BLOCK);
                int o1 = Math.min(out, o0 + OUT_BLOCK);
                for (int r = r0; r < r1; r++) {
                    int o = o0;
                    for (; o + 4 <= o1; o += 4) {
                        dot4(x, r * in, w, o * in, in, y, r * out + o);
                    }
                    for (; o < o1; o++) {
                        y[r * out + o] = dot(x, r * in, w, o * in, in);
                    }
                }
            }
        });
    }

    private static void dot4(float[] x, int xo, float[] w, int wo, int in, float[] y, int yo) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        int i = 0;
        for (; i <= in - L; i += L) {
            FloatVector xv = FloatVector.fromArray(F, x, xo + i);
            a0 = xv.fma(FloatVector.fromArray(F, w, wo + i), a0);
            a1 = xv.fma(FloatVector.fromArray(F, w, wo + in + i), a1);
            a2 = xv.fma(FloatVector.fromArray(F, w, wo + 2 * in + i), a2);
            a3 = xv.fma(FloatVector.fromArray(F, w, wo + 3 * in + i), a3);
        }
        float s0 = sum(a0);
        float s1 = sum(a1);
        float s2 = sum(a2);
        float s3 = sum(a3);
        for (; i < in; i++) {
            float xv = x[xo + i];
            s0 += xv * w[wo + i];
            s1 += xv * w[wo + in + i];
            s2 += xv * w[wo + 2 * in + i];
            s3 += xv * w[wo + 3 * in + i];
        }
        y[yo] = s0;
        y[yo + 1] = s1;
        y[yo + 2] = s2;
        y[yo + 3] = s3;
    }

    /** dx[n][in] += dy[n][out] · W[out][in]; threads own blocks of rows of dx. */
    static void matmulBackwardInput(ComputePool pool, float[] dy, float[] w, float[] dx, int n, int in, int out) {
        int blocks = (n + ROW_BLOCK - 1) / ROW_BLOCK;
        pool.parallelFor(blocks, 1, (s, e) -> {
            for (int b = s; b < e; b++) {
                int r0 = b * ROW_BLOCK;
                int r1 = Math.min(n, r0 + ROW_BLOCK);
                for (int o0 = 0; o0 < out; o0 += OUT_BLOCK) {
                    int o1 = Math.min(out, o0 + OUT_BLOCK);
                    for (int r = r0; r < r1; r++) {
                        for (int o = o0; o < o1; o++) {
                            float g = dy[r * out + o];
                            if (g != 0) {
                                axpy(g, w, o * in, dx, r * in, in);
                            }
                        }
                    }
                }
            }
        });
    }

    /** dW[out][in] += dy[n][out]^T · x[n][in]; threads own blocks of rows of dW. */
    static void matmulBackwardWeight(ComputePool pool, float[] x, float[] dy, float[] dw, int n, int in, int out) {
        int blocks = (out + WGRAD_BLOCK - 1) / WGRAD_BLOCK;
        pool.parallelFor(blocks, 1, (s, e) -> {
            for (int b = s; b < e; b++) {
                int o0 = b * WGRAD_BLOCK;
                int o1 = Math.min(out, o0 + WGRAD_BLOCK);
                for (int r = 0; r < n; r++) {
                    for (int o = o0; o < o1; o++) {
                        float g = dy[r * out + o];
                        if (g != 0) {
                            axpy(g, x, r * in, dw, o * in, in);
                        }
                    }
                }
            }
        });
    }
}
