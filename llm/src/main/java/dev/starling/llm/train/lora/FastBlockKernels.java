package dev.starling.llm.train.lora;

import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.tensor.Kernels;

/**
 * Float32 kernels of the Llama block for {@link LoraFast}, split over a pool: RMSNorm and its input gradient, the
 * rotary embedding (the cos/sin of {@link LoraKernels.Rope}, rounded to float) and causal grouped-query attention
 * with its backward. The float64 originals are {@link LoraKernels}; every loop here is the same sum in float, with
 * the inner loops on the vectorized {@link Kernels#dot} / {@link Kernels#axpy}.
 */
final class FastBlockKernels {
    private FastBlockKernels() {
    }

    /** y = x · invRms · g per row of d; invRms[n] saved for the backward. */
    static void rmsNorm(ComputePool pool, float[] x, float[] g, float[] y, float[] invRms, int n, int d, float eps) {
        pool.parallelFor(n, Math.max(1, 8192 / d), (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r * d;
                float inv = (float) (1.0 / Math.sqrt(Kernels.dot(x, o, x, o, d) / d + (double) eps));
                invRms[r] = inv;
                for (int i = 0; i < d; i++) {
                    y[o + i] = x[o + i] * inv * g[i];
                }
            }
        });
    }

    /** dx += inv·(dy·g) − x·inv³/d · Σ(dy·g·x), per row. */
    static void rmsNormBackward(ComputePool pool, float[] x, float[] g, float[] invRms, float[] dy, float[] dx,
            int n, int d) {
        pool.parallelFor(n, Math.max(1, 8192 / d), (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r * d;
                float inv = invRms[r];
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += dy[o + i] * g[i] * x[o + i];
                }
                float k = (float) ((double) inv * inv * inv / d * dot);
                for (int i = 0; i < d; i++) {
                    dx[o + i] += inv * dy[o + i] * g[i] - x[o + i] * k;
                }
            }
        });
    }

    /** Rotates every head of every row in place (pos = row % seq); {@code inverse} rotates back (the backward). */
    static void rope(LoraKernels.Rope rope, float[] x, int n, int seq, int heads, int headDim, boolean inverse) {
        int half = rope.half();
        boolean neox = rope.neox();
        int stride = heads * headDim;
        float[] cos = new float[seq * half];
        float[] sin = new float[seq * half];
        for (int i = 0; i < cos.length; i++) {
            cos[i] = (float) rope.cos()[i];
            sin[i] = (float) (inverse ? -rope.sin()[i] : rope.sin()[i]);
        }
        for (int r = 0; r < n; r++) {
            int pos = r % seq;
            for (int h = 0; h < heads; h++) {
                int base = r * stride + h * headDim;
                for (int j = 0; j < half; j++) {
                    float c = cos[pos * half + j];
                    float s = sin[pos * half + j];
                    int i0 = base + (neox ? j : 2 * j);
                    int i1 = base + (neox ? j + half : 2 * j + 1);
                    float a = x[i0];
                    float b = x[i1];
                    x[i0] = a * c - b * s;
                    x[i1] = a * s + b * c;
                }
            }
        }
    }

    /** Causal GQA: probs [batch][heads][seq][seq] (the causal triangle), out [N][qDim] (overwritten). */
    static void attention(ComputePool pool, ModelConfig c, float[] q, float[] k, float[] v, float[] probs,
            float[] out, int batch, int seq) {
        int hd = c.headDim();
        int qDim = c.qDim();
        int kvDim = c.kvDim();
        int heads = c.heads();
        int group = heads / c.kvHeads();
        float scale = (float) (1.0 / Math.sqrt(hd));
        pool.parallelFor(batch * heads, 1, (from, to) -> {
            for (int job = from; job < to; job++) {
                int b = job / heads;
                int h = job % heads;
                int kvo = (h / group) * hd;
                for (int t = 0; t < seq; t++) {
                    int qo = (b * seq + t) * qDim + h * hd;
                    int po = (job * seq + t) * seq;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int u = 0; u <= t; u++) {
                        float s = Kernels.dot(q, qo, k, (b * seq + u) * kvDim + kvo, hd) * scale;
                        probs[po + u] = s;
                        max = Math.max(max, s);
                    }
                    double sum = 0;
                    for (int u = 0; u <= t; u++) {
                        float e = (float) Math.exp(probs[po + u] - max);
                        probs[po + u] = e;
                        sum += e;
                    }
                    float inv = (float) (1.0 / sum);
                    java.util.Arrays.fill(out, qo, qo + hd, 0f);
                    for (int u = 0; u <= t; u++) {
                        probs[po + u] *= inv;
                        Kernels.axpy(probs[po + u], v, (b * seq + u) * kvDim + kvo, out, qo, hd);
                    }
                }
            }
        });
    }

    /**
     * Backward of {@link #attention}: accumulates dq, dk, dv from dOut. Split by (sequence, KV head), so the
     * heads that share a KV head add into dk/dv on one thread.
     */
    static void attentionBackward(ComputePool pool, ModelConfig c, float[] q, float[] k, float[] v, float[] probs,
            float[] dOut, float[] dq, float[] dk, float[] dv, int batch, int seq) {
        int hd = c.headDim();
        int qDim = c.qDim();
        int kvDim = c.kvDim();
        int heads = c.heads();
        int kvHeads = c.kvHeads();
        int group = heads / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(hd));
        pool.parallelFor(batch * kvHeads, 1, (from, to) -> {
            float[] dp = new float[seq];
            for (int job = from; job < to; job++) {
                int b = job / kvHeads;
                int kvh = job % kvHeads;
                int kvo = kvh * hd;
                for (int h = kvh * group; h < (kvh + 1) * group; h++) {
                    for (int t = 0; t < seq; t++) {
                        int qo = (b * seq + t) * qDim + h * hd;
                        int po = ((b * heads + h) * seq + t) * seq;
                        double dot = 0;
                        for (int u = 0; u <= t; u++) {
                            int vo = (b * seq + u) * kvDim + kvo;
                            float s = Kernels.dot(dOut, qo, v, vo, hd);
                            Kernels.axpy(probs[po + u], dOut, qo, dv, vo, hd);
                            dp[u] = s;
                            dot += probs[po + u] * s;
                        }
                        for (int u = 0; u <= t; u++) {
                            float ds = (float) (probs[po + u] * (dp[u] - dot) * scale);
                            int ko = (b * seq + u) * kvDim + kvo;
                            Kernels.axpy(ds, k, ko, dq, qo, hd);
                            Kernels.axpy(ds, q, qo, dk, ko, hd);
                        }
                    }
                }
            }
        });
    }
}
