package dev.starling.llm.train;

import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.tensor.ComputePool;

/**
 * F32 causal grouped-query attention for {@link FastLlama}, the same computation as {@link Attention};
 * one job per (sequence, KV head) so the query heads that share a KV head accumulate dk and dv in one thread.
 */
final class FastAttention {
    private FastAttention() {
    }

    static void forward(ComputePool pool, ModelConfig c, float[] q, float[] k, float[] v, float[] probs, float[] out, int batch, int seq) {
        int hd = c.headDim();
        int qDim = c.qDim();
        int kvDim = c.kvDim();
        int group = c.heads() / c.kvHeads();
        float scale = (float) (1.0 / Math.sqrt(hd));
        pool.parallelFor(batch * c.kvHeads(), 1, (s, e) -> {
            for (int job = s; job < e; job++) {
                int b = job / c.kvHeads();
                int kvo = (job % c.kvHeads()) * hd;
                for (int h = (job % c.kvHeads()) * group; h < (job % c.kvHeads() + 1) * group; h++) {
                    for (int t = 0; t < seq; t++) {
                        int qo = (b * seq + t) * qDim + h * hd;
                        int po = ((b * c.heads() + h) * seq + t) * seq;
                        float max = Float.NEGATIVE_INFINITY;
                        for (int u = 0; u <= t; u++) {
                            float sc = TrainKernels.dot(q, qo, k, (b * seq + u) * kvDim + kvo, hd) * scale;
                            probs[po + u] = sc;
                            max = Math.max(max, sc);
                        }
                        double sum = 0;
                        for (int u = 0; u <= t; u++) {
                            float ex = dev.starling.llm.tensor.StableMath.exp(probs[po + u] - max);
                            probs[po + u] = ex;
                            sum += ex;
                        }
                        float inv = (float) (1 / sum);
                        for (int u = 0; u <= t; u++) {
                            probs[po + u] *= inv;
                            TrainKernels.axpy(probs[po + u], v, (b * seq + u) * kvDim + kvo, out, qo, hd);
                        }
                    }
                }
            }
        });
    }

    static void backward(ComputePool pool, ModelConfig c, float[] q, float[] k, float[] v, float[] probs, float[] dOut,
                         float[] dq, float[] dk, float[] dv, int batch, int seq) {
        int hd = c.headDim();
        int qDim = c.qDim();
        int kvDim = c.kvDim();
        int group = c.heads() / c.kvHeads();
        float scale = (float) (1.0 / Math.sqrt(hd));
        pool.parallelFor(batch * c.kvHeads(), 1, (s, e) -> {
            float[] dp = new float[seq];
            for (int job = s; job < e; job++) {
                int b = job / c.kvHeads();
                int kvo = (job % c.kvHeads()) * hd;
                for (int h = (job % c.kvHeads()) * group; h < (job % c.kvHeads() + 1) * group; h++) {
                    for (int t = 0; t < seq; t++) {
                        int qo = (b * seq + t) * qDim + h * hd;
                        int po = ((b * c.heads() + h) * seq + t) * seq;
                        double dot = 0;
                        for (int u = 0; u <= t; u++) {
                            int vo = (b * seq + u) * kvDim + kvo;
                            dp[u] = TrainKernels.dot(dOut, qo, v, vo, hd);
                            TrainKernels.axpy(probs[po + u], dOut, qo, dv, vo, hd);
                            dot += probs[po + u] * dp[u];
                        }
                        for (int u = 0; u <= t; u++) {
                            float ds = (float) (probs[po + u] * (dp[u] - dot) * scale);
                            int ko = (b * seq + u) * kvDim + kvo;
                            TrainKernels.axpy(ds, k, ko, dq, qo, hd);
                            TrainKernels.axpy(ds, q, qo, dk, ko, hd);
                        }
                    }
                }
            }
        });
    }
}
