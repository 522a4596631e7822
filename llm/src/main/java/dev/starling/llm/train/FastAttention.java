package dev.starling.llm.train;

import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.tensor.ComputePool;
import java.util.Arrays;

/**
 * F32 causal grouped-query attention for {@link FastLlama}, the same computation as {@link Attention}
 * written as blocked matrix products ({@link Gemm}) over the causal triangle: per (sequence, query head),
 * scores S = Q·Kᵀ, P = softmax(S·scale), out = P·V; backward dP = dO·Vᵀ, dS = P∘(dP − rowsum(P∘dP))·scale,
 * dQ = dS·K, dK += dSᵀ·Q, dV += Pᵀ·dO. One job per (sequence, KV head), so the query heads that share a
 * KV head accumulate dk and dv in one thread, in a fixed order.
 */
final class FastAttention {
    private FastAttention() {
    }

    /** probs [batch][heads][seq][seq] receives P (zero above the diagonal); out [batch·seq][qDim] is written. */
    static void forward(ComputePool pool, ModelConfig c, float[] q, float[] k, float[] v, float[] probs, float[] out, int batch, int seq) {
        int hd = c.headDim();
        int qDim = c.qDim();
        int kvDim = c.kvDim();
        int group = c.heads() / c.kvHeads();
        float scale = (float) (1.0 / Math.sqrt(hd));
        pool.parallelFor(batch * c.kvHeads(), 1, (s, e) -> {
            float[] kt = new float[hd * seq]; // [hd][seq] K of this job, transposed
            for (int job = s; job < e; job++) {
                int b = job / c.kvHeads();
                int g = job % c.kvHeads();
                int kvBase = b * seq * kvDim + g * hd;
                transposeInto(k, kvBase, kvDim, seq, hd, kt);
                for (int h = g * group; h < (g + 1) * group; h++) {
                    int qBase = b * seq * qDim + h * hd;
                    int po = (b * c.heads() + h) * seq * seq;
                    Gemm.run(q, qBase, qDim, 1, kt, 0, seq, probs, po, seq, 0, seq, 0, seq, hd,
                            Gemm.Range.ALL, true, false);
                    for (int t = 0; t < seq; t++) {
                        int row = po + t * seq;
                        TrainKernels.scale(probs, row, t + 1, scale);
                        float max = TrainKernels.max(probs, row, t + 1);
                        float sum = TrainKernels.expShifted(probs, row, t + 1, max);
                        TrainKernels.scale(probs, row, t + 1, 1f / sum);
                        Arrays.fill(probs, row + t + 1, row + seq, 0f);
                    }
                    Gemm.run(probs, po, seq, 1, v, kvBase, kvDim, out, qBase, qDim, 0, seq, 0, hd, seq,
                            Gemm.Range.UP_TO_ROW, false, false);
                }
            }
        });
    }

    /** dq is written; dk and dv are added to. */
    static void backward(ComputePool pool, ModelConfig c, float[] q, float[] k, float[] v, float[] probs, float[] dOut,
                         float[] dq, float[] dk, float[] dv, int batch, int seq) {
        int hd = c.headDim();
        int qDim = c.qDim();
        int kvDim = c.kvDim();
        int group = c.heads() / c.kvHeads();
        float scale = (float) (1.0 / Math.sqrt(hd));
        pool.parallelFor(batch * c.kvHeads(), 1, (s, e) -> {
            float[] vt = new float[hd * seq]; // [hd][seq] V of this job, transposed
            float[] ds = new float[seq * seq]; // [seq][seq] dP, then dS
            for (int job = s; job < e; job++) {
                int b = job / c.kvHeads();
                int g = job % c.kvHeads();
                int kvBase = b * seq * kvDim + g * hd;
                transposeInto(v, kvBase, kvDim, seq, hd, vt);
                for (int h = g * group; h < (g + 1) * group; h++) {
                    int qBase = b * seq * qDim + h * hd;
                    int po = (b * c.heads() + h) * seq * seq;
                    Gemm.run(dOut, qBase, qDim, 1, vt, 0, seq, ds, 0, seq, 0, seq, 0, seq, hd,
                            Gemm.Range.ALL, true, false);
                    for (int t = 0; t < seq; t++) {
                        int row = t * seq;
                        int prow = po + t * seq;
                        double dot = 0;
                        for (int u = 0; u <= t; u++) {
                            dot += probs[prow + u] * ds[row + u];
                        }
                        float fdot = (float) dot;
                        for (int u = 0; u <= t; u++) {
                            ds[row + u] = probs[prow + u] * (ds[row + u] - fdot) * scale;
                        }
                        Arrays.fill(ds, row + t + 1, row + seq, 0f);
                    }
                    Gemm.run(ds, 0, seq, 1, k, kvBase, kvDim, dq, qBase, qDim, 0, seq, 0, hd, seq,
                            Gemm.Range.UP_TO_ROW, false, false);
                    Gemm.run(ds, 0, 1, seq, q, qBase, qDim, dk, kvBase, kvDim, 0, seq, 0, hd, seq,
                            Gemm.Range.FROM_ROW, false, true);
                    Gemm.run(probs, po, 1, seq, dOut, qBase, qDim, dv, kvBase, kvDim, 0, seq, 0, hd, seq,
                            Gemm.Range.FROM_ROW, false, true);
                }
            }
        });
    }

    /** t[d][u] = x[base + u·stride + d] for u < rows, d < cols. */
    private static void transposeInto(float[] x, int base, int stride, int rows, int cols, float[] t) {
        for (int u = 0; u < rows; u++) {
            for (int d = 0; d < cols; d++) {
                t[d * rows + u] = x[base + u * stride + d];
            }
        }
    }
}
