package dev.starling.llm.train.lora;

import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.tensor.Kernels;
import dev.starling.llm.train.TrainParameter;

/**
 * The float32 products of one LoRA pair A [r][in], B [out][r] with a batch of n rows, split over a pool: the
 * forward y += s·(x·Aᵀ)·Bᵀ and its backward (gradients for A and B, and the input gradient through them). B is
 * used transposed (Bᵀ [r][out], made once per call) so that every inner loop is a vectorized dot or axpy over a
 * contiguous row. Each output element is summed by one thread in a fixed order (deterministic for any pool).
 */
final class AdapterProducts {
    private AdapterProducts() {
    }

    /** Bᵀ [r][out] of B [out][r]. */
    static float[] transposeB(TrainParameter b) {
        int out = b.rows();
        int r = b.cols();
        float[] v = b.value();
        float[] t = new float[r * out];
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < r; k++) {
                t[k * out + o] = v[o * r + k];
            }
        }
        return t;
    }

    /** u [n][r] = x·Aᵀ; y [n][out] += scale·u·Bᵀ. */
    static void forward(ComputePool pool, LoraAdapter.Pair p, double scale, float[] x, int n, float[] u,
            float[] y) {
        int r = p.a().rows();
        int in = p.a().cols();
        int out = p.b().rows();
        float[] a = p.a().value();
        float[] bt = transposeB(p.b());
        float s = (float) scale;
        pool.parallelFor(n, Math.max(1, 4096 / (r * (in + out) / 64 + 1)), (from, to) -> {
            for (int row = from; row < to; row++) {
                for (int k = 0; k < r; k++) {
                    float uk = Kernels.dot(x, row * in, a, k * in, in);
                    u[row * r + k] = uk;
                    Kernels.axpy(s * uk, bt, k * out, y, row * out, out);
                }
            }
        });
    }

    /**
     * Backward of {@link #forward}: with du = scale·dy·B, adds dB += scale·dyᵀ·u and dA += duᵀ·x to the pair's
     * gradients and dx += du·A.
     */
    static void backward(ComputePool pool, LoraAdapter.Pair p, double scale, float[] x, float[] u, float[] dy,
            int n, float[] dx) {
        int r = p.a().rows();
        int in = p.a().cols();
        int out = p.b().rows();
        float[] a = p.a().value();
        float[] bt = transposeB(p.b());
        float s = (float) scale;
        float[] du = new float[n * r];
        int grain = Math.max(1, 2048 / (r * (in + out) / 64 + 1));
        pool.parallelFor(n, grain, (from, to) -> {
            for (int row = from; row < to; row++) {
                for (int k = 0; k < r; k++) {
                    du[row * r + k] = s * Kernels.dot(dy, row * out, bt, k * out, out);
                }
                for (int k = 0; k < r; k++) {
                    Kernels.axpy(du[row * r + k], a, k * in, dx, row * in, in);
                }
            }
        });
        float[] dBt = new float[r * out];
        float[] gradA = p.a().grad();
        pool.parallelFor(r, 1, (from, to) -> {
            for (int k = from; k < to; k++) {
                for (int row = 0; row < n; row++) {
                    float su = s * u[row * r + k];
                    if (su != 0f) {
                        Kernels.axpy(su, dy, row * out, dBt, k * out, out);
                    }
                    float g = du[row * r + k];
                    if (g != 0f) {
                        Kernels.axpy(g, x, row * in, gradA, k * in, in);
                    }
                }
            }
        });
        float[] gradB = p.b().grad();
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < r; k++) {
                gradB[o * r + k] += dBt[k * out + o];
            }
        }
    }
}
