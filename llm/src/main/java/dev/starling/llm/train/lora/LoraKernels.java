package dev.starling.llm.train.lora;

import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.model.RopeStyle;

/**
 * Readable float64 kernels of the Llama block for LoRA: RMSNorm (the gain is frozen, so its backward gives the
 * input gradient only), rotary embeddings with inference's frequencies and pairing, causal grouped-query attention.
 * The same functions as {@code dev.starling.llm.train}'s reference, which keeps them package-private.
 */
final class LoraKernels {
    private LoraKernels() {
    }

    /** y = x · invRms · g per row; invRms[n] saved for the backward. */
    static void rmsNorm(double[] x, float[] g, double[] y, double[] invRms, int n, int d, double eps) {
        for (int r = 0; r < n; r++) {
            int o = r * d;
            double ss = 0;
            for (int i = 0; i < d; i++) {
                ss += x[o + i] * x[o + i];
            }
            double inv = 1.0 / Math.sqrt(ss / d + eps);
            invRms[r] = inv;
            for (int i = 0; i < d; i++) {
                y[o + i] = x[o + i] * inv * g[i];
            }
        }
    }

    /** dx += inv·(dy·g) − x·inv³/d · Σ(dy·g·x). */
    static void rmsNormBackward(double[] x, float[] g, double[] invRms, double[] dy, double[] dx, int n, int d) {
        for (int r = 0; r < n; r++) {
            int o = r * d;
            double inv = invRms[r];
            double dot = 0;
            for (int i = 0; i < d; i++) {
                dot += dy[o + i] * g[i] * x[o + i];
            }
            double k = inv * inv * inv / d * dot;
            for (int i = 0; i < d; i++) {
                dx[o + i] += inv * dy[o + i] * g[i] - x[o + i] * k;
            }
        }
    }

    /**
     * cos/sin [seq][headDim/2] of inference's rotary embedding (linear scaling and Llama 3's frequency divisors
     * included), rounded to float as inference rounds them.
     */
    record Rope(int half, boolean neox, double[] cos, double[] sin) {
        static Rope of(ModelConfig c, float[] factors, int seq) {
            int half = c.ropeDims() / 2;
            double[] cos = new double[seq * half];
            double[] sin = new double[seq * half];
            for (int j = 0; j < half; j++) {
                double f = StrictMath.pow(c.ropeTheta(), -2.0 * j / c.ropeDims()) * c.ropeFreqScale();
                if (factors != null) {
                    f /= factors[j];
                }
                for (int p = 0; p < seq; p++) {
                    cos[p * half + j] = (float) StrictMath.cos(p * f);
                    sin[p * half + j] = (float) StrictMath.sin(p * f);
                }
            }
            return new Rope(half, c.ropeStyle() == RopeStyle.NEOX, cos, sin);
        }

        /** Rotates every head of every row in place (pos = row % seq); {@code inverse} is the backward. */
        void apply(double[] x, int n, int seq, int heads, int headDim, boolean inverse) {
            int stride = heads * headDim;
            for (int r = 0; r < n; r++) {
                int pos = r % seq;
                for (int h = 0; h < heads; h++) {
                    int base = r * stride + h * headDim;
                    for (int j = 0; j < half; j++) {
                        double c = cos[pos * half + j];
                        double s = inverse ? -sin[pos * half + j] : sin[pos * half + j];
                        int i0 = base + (neox ? j : 2 * j);
                        int i1 = base + (neox ? j + half : 2 * j + 1);
                        double a = x[i0];
                        double b = x[i1];
                        x[i0] = a * c - b * s;
                        x[i1] = a * s + b * c;
                    }
                }
            }
        }
    }

    /** Causal GQA: probs [batch][heads][seq][seq], out [N][qDim] (accumulated; pass zeros). */
    static void attention(ModelConfig c, double[] q, double[] k, double[] v, double[] probs, double[] out,
            int batch, int seq) {
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

    /** Backward of {@link #attention}: accumulates dq, dk, dv from dOut. */
    static void attentionBackward(ModelConfig c, double[] q, double[] k, double[] v, double[] probs, double[] dOut,
            double[] dq, double[] dk, double[] dv, int batch, int seq) {
        int hd = c.headDim();
        int qDim = c.qDim();
        int kvDim = c.kvDim();
        int group = c.heads() / c.kvHeads();
        double scale = 1.0 / Math.sqrt(hd);
        double[] dp = new double[seq];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < c.heads(); h++) {
                int kvo = (h / group) * hd;
                for (int t = 0; t < seq; t++) {
                    int qo = (b * seq + t) * qDim + h * hd;
                    int po = ((b * c.heads() + h) * seq + t) * seq;
                    double dot = 0;
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
                        double ds = probs[po + u] * (dp[u] - dot) * scale;
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

    static double sigmoid(double v) {
        return 1.0 / (1.0 + dev.starling.llm.tensor.StableMath.exp(-v));
    }

    /** Checks a batch's shape and ids against the model; names what is wrong. */
    static void checkBatch(ModelConfig c, int[] tokens, int[] targets, int batch, int seq, boolean backward) {
        if (batch <= 0 || seq <= 0 || (long) batch * seq != tokens.length
                || (targets != null && targets.length != tokens.length)) {
            throw new IllegalArgumentException("tokens/targets must hold batch·seq = " + batch + "·" + seq
                    + " ids, got " + tokens.length + "/" + (targets == null ? "none" : targets.length));
        }
        if (seq > c.contextLength()) {
            throw new IllegalArgumentException("sequence of " + seq + " exceeds the context length "
                    + c.contextLength());
        }
        if (backward && targets == null) {
            throw new IllegalArgumentException("backward needs targets");
        }
        int vocab = c.vocabSize();
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab || (targets != null && (targets[i] < 0 || targets[i] >= vocab))) {
                throw new IllegalArgumentException("token or target at " + i + " outside the vocabulary of " + vocab);
            }
        }
    }
}
