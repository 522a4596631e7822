package dev.starling.llm.train;

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
