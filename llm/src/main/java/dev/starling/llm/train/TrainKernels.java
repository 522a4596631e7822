package dev.starling.llm.train;

import dev.starling.llm.tensor.ComputePool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels of the fast F32 trainer ({@link FastLlama}), each a tiled, multithreaded
 * version of a loop in {@link Ops} (tested against it through the whole model). Each thread owns
 * disjoint output rows, so results do not depend on the thread count.
 */
final class TrainKernels {
    private static final VectorSpecies<Float> F = Gemm.F;
    private static final int L = Gemm.L;

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
        gemm(pool, x, in, 1, transpose(pool, w, out, in), out, y, n, out, in, false);
    }

    /** dx[n][in] += dy[n][out] · W[out][in]. */
    static void matmulBackwardInput(ComputePool pool, float[] dy, float[] w, float[] dx, int n, int in, int out) {
        gemm(pool, dy, out, 1, w, in, dx, n, in, out, true);
    }

    /**
     * dW[out][in] += dy[n][out]^T · x[n][in], as (dy^T) · x with dy transposed once: reading dy transposed in
     * place (A(o, p) = dy[p][o], a new cache line per p at a stride of {@code out} floats) ran at a third of
     * the speed at out = 8192.
     */
    static void matmulBackwardWeight(ComputePool pool, float[] x, float[] dy, float[] dw, int n, int in, int out) {
        matmulBackwardWeight(pool, x, dy, dw, n, in, out, new float[n * out]);
    }

    /** The same with a caller's scratch array of n·out floats for dy transposed (reused between steps). */
    static void matmulBackwardWeight(ComputePool pool, float[] x, float[] dy, float[] dw, int n, int in, int out, float[] dyT) {
        transposeInto(pool, dy, n, out, dyT);
        gemm(pool, dyT, n, 1, x, in, dw, out, in, n, true);
    }

    /** Depth of a k block: a [KC][NR] panel of B (64 KiB) stays in L2 while every row tile of a chunk uses it. */
    static final int KC = 512;

    /**
     * c[m][n] (+)= A[m][k] · b[k][n] with A(r, p) = a[r·ars + p·acs], split over all threads by
     * {@link Gemm#MR}×{@link Gemm#NR} tiles. For long k (the output head's dX has k = vocab) each chunk of
     * tiles walks k in blocks of {@link #KC}, adding each block's sums to C, so B is read from cache rather
     * than memory. Every element is the same sum in the same order for any split into threads.
     */
    static void gemm(ComputePool pool, float[] a, int ars, int acs, float[] b, int ldb, float[] c, int m, int n, int k,
                     boolean accumulate) {
        int rowTiles = (m + Gemm.MR - 1) / Gemm.MR;
        int colTiles = (n + Gemm.NR - 1) / Gemm.NR;
        pool.parallelFor(rowTiles * colTiles, 1, (s, e) -> {
            for (int k0 = 0; k0 < k; k0 += KC) {
                int kLen = Math.min(KC, k - k0);
                boolean add = accumulate || k0 > 0;
                for (int job = s; job < e; job++) {
                    int i = (job % rowTiles) * Gemm.MR;
                    int j = (job / rowTiles) * Gemm.NR;
                    Gemm.run(a, k0 * acs, ars, acs, b, k0 * ldb, ldb, c, 0, n, i, Math.min(m, i + Gemm.MR), j,
                            Math.min(n, j + Gemm.NR), kLen, Gemm.Range.ALL, false, add);
                }
            }
        });
    }

    /** The largest of x[off..off+n). */
    static float max(float[] x, int off, int n) {
        FloatVector acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i <= n - L; i += L) {
            acc = acc.max(FloatVector.fromArray(F, x, off + i));
        }
        float m = Float.NEGATIVE_INFINITY;
        for (int l = 0; l < L; l++) {
            m = Math.max(m, acc.lane(l));
        }
        for (; i < n; i++) {
            m = Math.max(m, x[off + i]);
        }
        return m;
    }

    /** x[off..off+n) ← s · x. */
    static void scale(float[] x, int off, int n, float s) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(F, x, off + i).mul(s).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] *= s;
        }
    }

    /**
     * x[off..off+n) ← exp(x − shift) for arguments ≤ 0 (softmax), returning their sum (in a fixed order).
     * Vectorized Cephes expf: relative error about 2e-7, plain IEEE operations, so the same bits in every
     * JIT tier; arguments below −87 give about 1e-38 instead of 0.
     */
    static float expShifted(float[] x, int off, int n, float shift) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector e = exp(FloatVector.fromArray(F, x, off + i).sub(shift));
            e.intoArray(x, off + i);
            acc = acc.add(e);
        }
        float s = sum(acc);
        for (; i < n; i++) {
            float e = expScalar(x[off + i] - shift);
            x[off + i] = e;
            s += e;
        }
        return s;
    }

    private static final float EXP_LO = -87.3f;
    private static final float MAGIC = 12582912f; // 1.5·2^23: adding and subtracting it rounds to an integer
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;

    static FloatVector exp(FloatVector x) {
        x = x.max(EXP_LO).min(0f);
        FloatVector k = x.mul(1.44269504088896341f).add(MAGIC).sub(MAGIC);
        FloatVector r = k.fma(FloatVector.broadcast(F, -LN2_HI), x);
        r = k.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(F, 1.9875691500e-4f);
        p = p.fma(r, FloatVector.broadcast(F, 1.3981999507e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(F, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(F, 5.0000001201e-1f));
        FloatVector y = p.mul(r).fma(r, r).add(1f);
        IntVector bits = ((IntVector) k.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return y.mul(bits.reinterpretAsFloats());
    }

    /** The scalar twin of {@link #exp(FloatVector)}, operation for operation. */
    static float expScalar(float x) {
        x = Math.min(Math.max(x, EXP_LO), 0f);
        float k = (x * 1.44269504088896341f + MAGIC) - MAGIC;
        float r = Math.fma(k, -LN2_HI, x);
        r = Math.fma(k, -LN2_LO, r);
        float p = 1.9875691500e-4f;
        p = Math.fma(p, r, 1.3981999507e-3f);
        p = Math.fma(p, r, 8.3334519073e-3f);
        p = Math.fma(p, r, 4.1665795894e-2f);
        p = Math.fma(p, r, 1.6666665459e-1f);
        p = Math.fma(p, r, 5.0000001201e-1f);
        float y = Math.fma(p * r, r, r) + 1f;
        return y * Float.intBitsToFloat(((int) k + 127) << 23);
    }

    /** exp(x) for x ≤ 0 and 1/(1 + exp(−x)) from it, without overflow for either sign. */
    private static FloatVector sigmoid(FloatVector g) {
        FloatVector e = exp(g.abs().neg());
        FloatVector inv = FloatVector.broadcast(F, 1f).div(e.add(1f));
        return inv.blend(e.mul(inv), g.compare(VectorOperators.LT, 0f));
    }

    /** The scalar twin of {@link #sigmoid(FloatVector)}. */
    static float sigmoidScalar(float g) {
        float e = expScalar(-Math.abs(g));
        float inv = 1f / (e + 1f);
        return g < 0f ? e * inv : inv;
    }

    /** act[i] = silu(gate[i]) · up[i] for i in [s, e) (SwiGLU forward). */
    static void swiglu(float[] gate, float[] up, float[] act, int s, int e) {
        int i = s;
        for (; i <= e - L; i += L) {
            FloatVector g = FloatVector.fromArray(F, gate, i);
            g.mul(sigmoid(g)).mul(FloatVector.fromArray(F, up, i)).intoArray(act, i);
        }
        for (; i < e; i++) {
            act[i] = gate[i] * sigmoidScalar(gate[i]) * up[i];
        }
    }

    /**
     * SwiGLU backward for i in [s, e): dUp = dAct · silu(g), dGate = dAct · up · σ(g) · (1 + g · (1 − σ(g))).
     */
    static void swigluBackward(float[] dAct, float[] gate, float[] up, float[] dGate, float[] dUp, int s, int e) {
        int i = s;
        for (; i <= e - L; i += L) {
            FloatVector g = FloatVector.fromArray(F, gate, i);
            FloatVector sg = sigmoid(g);
            FloatVector d = FloatVector.fromArray(F, dAct, i);
            d.mul(g).mul(sg).intoArray(dUp, i);
            FloatVector oneMinus = FloatVector.broadcast(F, 1f).sub(sg);
            d.mul(FloatVector.fromArray(F, up, i)).mul(sg).mul(g.fma(oneMinus, FloatVector.broadcast(F, 1f))).intoArray(dGate, i);
        }
        for (; i < e; i++) {
            float g = gate[i];
            float sg = sigmoidScalar(g);
            dUp[i] = dAct[i] * g * sg;
            dGate[i] = dAct[i] * up[i] * sg * Math.fma(g, 1f - sg, 1f);
        }
    }

    /** [rows][cols] to [cols][rows]. */
    static float[] transpose(ComputePool pool, float[] a, int rows, int cols) {
        float[] t = new float[rows * cols];
        transposeInto(pool, a, rows, cols, t);
        return t;
    }

    /** t[cols][rows] ← a[rows][cols]. */
    static void transposeInto(ComputePool pool, float[] a, int rows, int cols, float[] t) {
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
    }

}
