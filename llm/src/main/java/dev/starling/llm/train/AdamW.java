package dev.starling.llm.train;

import dev.starling.llm.tensor.ComputePool;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter) as PyTorch's {@code torch.optim.AdamW} computes it: decoupled weight
 * decay p ← p·(1 − lr·wd) on parameters with {@link TrainParameter#decay()}, moments in F32, bias
 * correction of both moments. Deterministic: a pure function of the gradients.
 */
public final class AdamW {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Map<TrainParameter, float[][]> state = new IdentityHashMap<>(); // param -> {m, v}
    private long step;

    public AdamW(double beta1, double beta2, double eps, double weightDecay) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("AdamW: betas must be in [0,1), eps > 0, weight decay ≥ 0; got "
                    + beta1 + ", " + beta2 + ", " + eps + ", " + weightDecay);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double eps() {
        return eps;
    }

    public double weightDecay() {
        return weightDecay;
    }

    /** First and second moments of a parameter ({m, v}, live arrays), or null before its first step. */
    float[][] moments(TrainParameter p) {
        return state.get(p);
    }

    /** Restores the state of a checkpoint: the step count and the moments of each parameter. */
    void restore(long steps, Map<TrainParameter, float[][]> moments) {
        if (steps < 0) {
            throw new IllegalArgumentException("step count " + steps + " < 0");
        }
        this.step = steps;
        state.clear();
        state.putAll(moments);
    }

    /** Steps taken so far. */
    public long steps() {
        return step;
    }

    /** One update of every parameter from its gradient, at learning rate lr. */
    public void step(List<TrainParameter> params, double lr) {
        step(params, lr, null);
    }

    /**
     * The same update with each parameter's elements split over the pool's threads (when not null); every
     * element is computed by the same operations, so the result is the same bits as on one thread.
     */
    public void step(List<TrainParameter> params, double lr, ComputePool pool) {
        step++;
        double bc1 = 1 - StrictMath.pow(beta1, step);
        double bc2Sqrt = Math.sqrt(1 - StrictMath.pow(beta2, step));
        double stepSize = lr / bc1;
        for (TrainParameter p : params) {
            float[][] mv = state.computeIfAbsent(p, k -> new float[][] {new float[k.size()], new float[k.size()]});
            float[] m = mv[0];
            float[] v = mv[1];
            float[] w = p.value();
            float[] g = p.grad();
            double decay = p.decay() ? 1 - lr * weightDecay : 1;
            if (pool == null) {
                update(m, v, w, g, decay, stepSize, bc2Sqrt, 0, w.length);
            } else {
                pool.parallelFor(w.length, 16384, (s, e) -> update(m, v, w, g, decay, stepSize, bc2Sqrt, s, e));
            }
        }
    }

    private void update(float[] m, float[] v, float[] w, float[] g, double decay, double stepSize, double bc2Sqrt, int s, int e) {
        for (int i = s; i < e; i++) {
            double gi = g[i];
            m[i] = (float) (beta1 * m[i] + (1 - beta1) * gi);
            v[i] = (float) (beta2 * v[i] + (1 - beta2) * gi * gi);
            double denom = Math.sqrt(v[i]) / bc2Sqrt + eps;
            w[i] = (float) (w[i] * decay - stepSize * m[i] / denom);
        }
    }
}
