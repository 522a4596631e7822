package dev.starling.llm.train;

import dev.starling.llm.model.ModelConfig;

/**
 * Causal grouped-query attention, forward and backward, per sequence and head: query head h reads
 * KV head h / (heads / kvHeads); scores q·k / sqrt(headDim) over positions u ≤ t; softmax; sum of v.
 */
final class Attention {
    private Attention() {
    }

    /**
     * @param q     [N][heads·hd] after rope
     * @param k     [N][kvHeads·hd] after rope
     * @param v     [N][kvHeads·hd]
     * @param probs out [batch][heads][seq][seq], zero above the diagonal
     * @param out   out [N][heads·hd]
     */
    static void forward(ModelConfig c, double[] q, double[] k, double[] v, double[] probs, double[] out, int batch, int seq) {
        int hd = c.headDim();
        int qDim = c.qDim();
        int kvDim = c.kvDim();
        int group = c.heads() / c.kvHeads();
        double scale = 1.0 / Math.sqrt(hd);
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < c.heads(); h++) {
                int kvo = (h / group) * hd;
                for (int t = 0; t < seq; t++) {
                    int qo = (b * seq + t) * qDim + h * hd;
                    int po = ((b * c.heads() + h) * seq + t) * seq;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int u = 0; u <= t; u++) {
                        int ko = (b * seq + u) * kvDim + kvo;
                        double s = 0;
                        for (int i = 0; i < hd; i++) {
                            s += q[qo + i] * k[ko + i];
                        }
                        probs[po + u] = s * scale;
                        max = Math.max(max, s * scale);
                    }
                    double sum = 0;
                    for (int u = 0; u <= t; u++) {
                        probs[po + u] = StrictMath.exp(probs[po + u] - max);
                        sum += probs[po + u];
                    }
                    for (int u = 0; u <= t; u++) {
                        probs[po + u] /= sum;
                        int vo = (b * seq + u) * kvDim + kvo;
                        for (int i = 0; i < hd; i++) {
                            out[qo + i] += probs[po + u] * v[vo + i];
                        }
                    }
                }
            }
        }
    }

    /** Backward of {@link #forward}: accumulates dq [N][qDim], dk and dv [N][kvDim] from dOut [N][qDim]. */
    static void backward(ModelConfig c, double[] q, double[] k, double[] v, double[] probs, double[] dOut,
                         double[] dq, double[] dk, double[] dv, int batch, int seq) {
        int hd = c.headDim();
        int qDim = c.qDim();
        int kvDim = c.kvDim();
        int group = c.heads() / c.kvHeads();
        double scale = 1.0 / Math.sqrt(hd);
        double[] dp = new double[seq]; // [seq] d(prob) of one query row
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < c.heads(); h++) {
                int kvo = (h / group) * hd;
                for (int t = 0; t < seq; t++) {
                    int qo = (b * seq + t) * qDim + h * hd;
                    int po = ((b * c.heads() + h) * seq + t) * seq;
                    double dot = 0; // Σ_u p_u · dp_u
                    for (int u = 0; u <= t; u++) {
                        int vo = (b * seq + u) * kvDim + kvo;
                        double s = 0;
                        for (int i = 0; i < hd; i++) {
                            s += dOut[qo + i] * v[vo + i];
                            dv[vo + i] += probs[po + u] * dOut[qo + i];
                        }
                        dp[u] = s;
                        dot += probs[po + u] * s;
                    }
                    for (int u = 0; u <= t; u++) {
                        double ds = probs[po + u] * (dp[u] - dot) * scale; // d(raw score q·k)
                        int ko = (b * seq + u) * kvDim + kvo;
                        for (int i = 0; i < hd; i++) {
                            dq[qo + i] += ds * k[ko + i];
                            dk[ko + i] += ds * q[qo + i];
                        }
                    }
                }
            }
        }
    }
}
