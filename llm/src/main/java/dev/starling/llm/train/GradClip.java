package dev.starling.llm.train;

import dev.starling.llm.tensor.ComputePool;
import java.util.List;

/** Gradient clipping by global L2 norm, as {@code torch.nn.utils.clip_grad_norm_}. */
public final class GradClip {
    private GradClip() {
    }

    /** Global L2 norm of all gradients. */
    public static double globalNorm(List<TrainParameter> params) {
        double ss = 0;
        for (TrainParameter p : params) {
            for (float g : p.grad()) {
                ss += (double) g * g;
            }
        }
        return Math.sqrt(ss);
    }

    /** Elements per partial sum of {@link #globalNorm(List, ComputePool)}: fixed, so the sum does not depend on threads. */
    private static final int BLOCK = 16384;

    /**
     * Global L2 norm of all gradients on the pool's threads: sums of squares over fixed blocks of
     * {@value #BLOCK} elements, added in block order (the same bits for any thread count).
     */
    public static double globalNorm(List<TrainParameter> params, ComputePool pool) {
        double ss = 0;
        for (TrainParameter p : params) {
            float[] g = p.grad();
            double[] partial = new double[(g.length + BLOCK - 1) / BLOCK];
            pool.parallelFor(partial.length, 1, (s, e) -> {
                for (int b = s; b < e; b++) {
                    double sum = 0;
                    for (int i = b * BLOCK; i < Math.min(g.length, (b + 1) * BLOCK); i++) {
                        sum += (double) g[i] * g[i];
                    }
                    partial[b] = sum;
                }
            });
            for (double v : partial) {
                ss += v;
            }
        }
        return Math.sqrt(ss);
    }

    /** {@link #clip(List, double)} on the pool's threads, with {@link #globalNorm(List, ComputePool)}. */
    public static double clip(List<TrainParameter> params, double maxNorm, ComputePool pool) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("max gradient norm must be > 0, got " + maxNorm);
        }
        double norm = globalNorm(params, pool);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            for (TrainParameter p : params) {
                float[] g = p.grad();
                pool.parallelFor(g.length, BLOCK, (s, e) -> {
                    for (int i = s; i < e; i++) {
                        g[i] = (float) (g[i] * coef);
                    }
                });
            }
        }
        return norm;
    }

    /** Scales every gradient by min(1, maxNorm / (norm + 1e-6)); returns the norm before clipping. */
    public static double clip(List<TrainParameter> params, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("max gradient norm must be > 0, got " + maxNorm);
        }
        double norm = globalNorm(params);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            for (TrainParameter p : params) {
                float[] g = p.grad();
                for (int i = 0; i < g.length; i++) {
                    g[i] = (float) (g[i] * coef);
                }
            }
        }
        return norm;
    }
}
