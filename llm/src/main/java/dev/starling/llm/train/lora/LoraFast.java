package dev.starling.llm.train.lora;

import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.tensor.ComputePool;

/**
 * The fast forward and backward of LoRA training, in float32 on a fixed pool: the same computation as
 * {@link LoraReference} (which the tests compare it with), organised for speed. Each frozen product decodes a block
 * of W once for the whole batch ({@link FrozenProducts}: X·Wᵀ forward, dY·W backward, never an F32 copy of a
 * quantized W); the LoRA factors use {@link AdapterProducts}; attention, norms and rope use
 * {@link FastBlockKernels}. The output layer runs over {@link #LOGIT_ROWS} rows at a time, so the logits of a large
 * vocabulary are never held for the whole batch.
 * <p>Saved per block for the backward: the block input, the normed inputs, q/k (rotated; also before QK-norm for
 * qwen3), v, attention probabilities and output, the mid residual, gate and up, and A·x of each adapted projection.
 * The SwiGLU product is recomputed in the backward.
 */
public final class LoraFast implements LoraModel {
    /** Rows of logits computed at once in the output layer. */
    static final int LOGIT_ROWS = 64;
    private static final int TARGETS = LoraTarget.values().length;

    private final FrozenBase base;
    private final LoraAdapter adapter;
    private final ModelConfig c;
    private final double scale;
    private final ComputePool pool;

    private record Acts(float[] xIn, float[] inv1, float[] h1, float[] qPre, float[] kPre, float[] qInv,
            float[] kInv, float[] q, float[] k, float[] v, float[] probs, float[] att, float[] xMid, float[] inv2,
            float[] h2, float[] gate, float[] up, float[][] loraMid) {
    }

    /** @param pool the threads to compute on (not closed here) */
    public LoraFast(FrozenBase base, LoraAdapter adapter, ComputePool pool) {
        if (!adapter.baseConfig().equals(base.config())) {
            throw new IllegalArgumentException("adapter was made for " + adapter.baseConfig() + ", the base is "
                    + base.config());
        }
        this.base = base;
        this.adapter = adapter;
        this.c = base.config();
        this.scale = adapter.config().scale();
        this.pool = java.util.Objects.requireNonNull(pool, "pool");
    }

    @Override
    public double lossAndGradients(int[] tokens, int[] targets, int batch, int seq, double gradScale) {
        return run(tokens, targets, batch, seq, null, true, gradScale);
    }

    @Override
    public double loss(int[] tokens, int[] targets, int batch, int seq) {
        return run(tokens, targets, batch, seq, null, false, 0);
    }

    /** Logits [N][vocab] of a batch (targets not needed). */
    public float[] logits(int[] tokens, int batch, int seq) {
        float[] out = new float[Math.multiplyExact(tokens.length, c.vocabSize())];
        run(tokens, null, batch, seq, out, false, 0);
        return out;
    }

    private double run(int[] tokens, int[] targets, int batch, int seq, float[] logitsOut, boolean backward,
            double gradScale) {
        LoraKernels.checkBatch(c, tokens, targets, batch, seq, backward);
        int n = batch * seq;
        int d = c.dim();
        LoraKernels.Rope rope = LoraKernels.Rope.of(c, base.ropeFactors(), seq);
        float[] x = new float[n * d];
        for (int r = 0; r < n; r++) {
            base.tokenEmbedding().quantized().dequantizeRow(tokens[r], x, r * d);
        }
        Acts[] acts = new Acts[c.layers()];
        for (int l = 0; l < c.layers(); l++) {
            Acts a = block(l, x, batch, seq, rope, backward);
            float[] act = swiglu(a.gate, a.up);
            x = a.xMid.clone();
            float[] down = project(l, LoraTarget.DOWN, act, n, a.loraMid);
            for (int i = 0; i < n * d; i++) {
                x[i] += down[i];
            }
            acts[l] = backward ? a : null;
        }
        float[] invF = new float[n];
        float[] hf = new float[n * d];
        FastBlockKernels.rmsNorm(pool, x, base.outputNorm(), hf, invF, n, d, c.rmsEps());
        float[] dhf = backward ? new float[n * d] : null;
        double loss = outputLayer(hf, targets, n, logitsOut, dhf, gradScale);
        if (backward) {
            float[] dx = new float[n * d];
            FastBlockKernels.rmsNormBackward(pool, x, base.outputNorm(), invF, dhf, dx, n, d);
            for (int l = c.layers() - 1; l >= 0; l--) {
                dx = blockBackward(l, acts[l], dx, batch, seq, rope);
                acts[l] = null;
            }
        }
        return loss;
    }

    /**
     * Logits of {@link #LOGIT_ROWS} rows at a time; the mean loss when there are targets; with dhf, the gradient
     * of gradScale · mean loss with respect to the normed final states.
     */
    private double outputLayer(float[] hf, int[] targets, int n, float[] logitsOut, float[] dhf, double gradScale) {
        int d = c.dim();
        int vocab = c.vocabSize();
        FrozenMatrix out = base.output();
        float[] logits = new float[Math.min(n, LOGIT_ROWS) * vocab];
        double loss = 0;
        for (int r0 = 0; r0 < n; r0 += LOGIT_ROWS) {
            int rows = Math.min(LOGIT_ROWS, n - r0);
            float[] h = java.util.Arrays.copyOfRange(hf, r0 * d, (r0 + rows) * d);
            FrozenProducts.forward(pool, out, h, rows, logits);
            if (logitsOut != null) {
                System.arraycopy(logits, 0, logitsOut, r0 * vocab, rows * vocab);
            }
            if (targets == null) {
                continue;
            }
            double[] rowLoss = new double[rows];
            int first = r0;
            pool.parallelFor(rows, 1, (s, e) -> {
                for (int r = s; r < e; r++) {
                    int o = r * vocab;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < vocab; j++) {
                        max = Math.max(max, logits[o + j]);
                    }
                    int target = targets[first + r];
                    float targetLogit = logits[o + target];
                    double sum = 0;
                    for (int j = 0; j < vocab; j++) {
                        float ex = (float) Math.exp(logits[o + j] - max);
                        if (dhf != null) {
                            logits[o + j] = ex; // the softmax numerators, scaled into the gradient below
                        }
                        sum += ex;
                    }
                    rowLoss[r] = max + Math.log(sum) - targetLogit;
                    if (dhf != null) {
                        // softmax · gradScale / n, minus gradScale / n at the target
                        float g = (float) (gradScale / n / sum);
                        for (int j = 0; j < vocab; j++) {
                            logits[o + j] *= g;
                        }
                        logits[o + target] -= (float) (gradScale / n);
                    }
                }
            });
            for (double v : rowLoss) {
                loss += v;
            }
            if (dhf != null) {
                float[] dh = new float[rows * d];
                FrozenProducts.backwardInput(pool, out, logits, rows, dh);
                System.arraycopy(dh, 0, dhf, r0 * d, rows * d);
            }
        }
        return targets == null ? 0 : loss / n;
    }

    private float[] swiglu(float[] gate, float[] up) {
        float[] act = new float[gate.length];
        pool.parallelFor(gate.length, 4096, (s, e) -> {
            for (int i = s; i < e; i++) {
                float g = gate[i];
                act[i] = g / (1f + (float) Math.exp(-g)) * up[i];
            }
        });
        return act;
    }

    /** y [N][out] = x·Wᵀ + scale·(x·Aᵀ)·Bᵀ; saves x·Aᵀ in loraMid[target]. */
    private float[] project(int l, LoraTarget t, float[] x, int n, float[][] loraMid) {
        FrozenMatrix w = base.layer(l).weight(t);
        float[] y = new float[n * w.rows()];
        FrozenProducts.forward(pool, w, x, n, y);
        LoraAdapter.Pair p = adapter.pair(l, t);
        if (p != null) {
            float[] u = new float[n * p.a().rows()];
            AdapterProducts.forward(pool, p, scale, x, n, u, y);
            loraMid[t.ordinal()] = u;
        }
        return y;
    }

    /** dx += dy·W (+ the LoRA path's input gradient), and the pair's gradients. */
    private void projectBackward(int l, LoraTarget t, float[] x, float[] dy, float[] dx, int n, float[][] loraMid) {
        FrozenProducts.backwardInput(pool, base.layer(l).weight(t), dy, n, dx);
        LoraAdapter.Pair p = adapter.pair(l, t);
        if (p != null) {
            AdapterProducts.backward(pool, p, scale, x, loraMid[t.ordinal()], dy, n, dx);
        }
    }

    private static void addBias(float[] y, float[] bias, int n) {
        if (bias == null) {
            return;
        }
        int m = bias.length;
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < m; i++) {
                y[r * m + i] += bias[i];
            }
        }
    }

    private Acts block(int l, float[] xIn, int batch, int seq, LoraKernels.Rope rope, boolean keep) {
        FrozenBase.Layer w = base.layer(l);
        int n = batch * seq;
        int d = c.dim();
        int hd = c.headDim();
        float[][] mid = new float[TARGETS][];
        float[] inv1 = new float[n];
        float[] h1 = new float[n * d];
        FastBlockKernels.rmsNorm(pool, xIn, w.attnNorm(), h1, inv1, n, d, c.rmsEps());
        float[] q = project(l, LoraTarget.Q, h1, n, mid);
        float[] k = project(l, LoraTarget.K, h1, n, mid);
        float[] v = project(l, LoraTarget.V, h1, n, mid);
        addBias(q, w.qBias(), n);
        addBias(k, w.kBias(), n);
        addBias(v, w.vBias(), n);
        float[] qPre = null;
        float[] kPre = null;
        float[] qInv = null;
        float[] kInv = null;
        if (w.qNorm() != null) {
            qPre = q;
            kPre = k;
            q = new float[qPre.length];
            k = new float[kPre.length];
            qInv = new float[n * c.heads()];
            kInv = new float[n * c.kvHeads()];
            FastBlockKernels.rmsNorm(pool, qPre, w.qNorm(), q, qInv, n * c.heads(), hd, c.rmsEps());
            FastBlockKernels.rmsNorm(pool, kPre, w.kNorm(), k, kInv, n * c.kvHeads(), hd, c.rmsEps());
        }
        FastBlockKernels.rope(rope, q, n, seq, c.heads(), hd, false);
        FastBlockKernels.rope(rope, k, n, seq, c.kvHeads(), hd, false);
        float[] probs = new float[batch * c.heads() * seq * seq];
        float[] att = new float[n * c.qDim()];
        FastBlockKernels.attention(pool, c, q, k, v, probs, att, batch, seq);
        float[] proj = project(l, LoraTarget.O, att, n, mid);
        float[] xMid = new float[n * d];
        for (int i = 0; i < n * d; i++) {
            xMid[i] = xIn[i] + proj[i];
        }
        float[] inv2 = new float[n];
        float[] h2 = new float[n * d];
        FastBlockKernels.rmsNorm(pool, xMid, w.ffnNorm(), h2, inv2, n, d, c.rmsEps());
        float[] gate = project(l, LoraTarget.GATE, h2, n, mid);
        float[] up = project(l, LoraTarget.UP, h2, n, mid);
        return keep ? new Acts(xIn, inv1, h1, qPre, kPre, qInv, kInv, q, k, v, probs, att, xMid, inv2, h2, gate, up,
                mid) : new Acts(null, null, null, null, null, null, null, null, null, null, null, null, xMid, null,
                null, gate, up, mid);
    }

    private float[] blockBackward(int l, Acts a, float[] dOut, int batch, int seq, LoraKernels.Rope rope) {
        FrozenBase.Layer w = base.layer(l);
        int n = batch * seq;
        int d = c.dim();
        int hd = c.headDim();
        int ffn = c.ffnDim();
        float[] dAct = new float[n * ffn];
        float[] act = adapter.pair(l, LoraTarget.DOWN) != null ? swiglu(a.gate, a.up) : null;
        projectBackward(l, LoraTarget.DOWN, act, dOut, dAct, n, a.loraMid);
        float[] dGate = new float[n * ffn];
        float[] dUp = dAct; // overwritten in place below, element by element
        float[] gate = a.gate;
        float[] up = a.up;
        pool.parallelFor(n * ffn, 4096, (s, e) -> {
            for (int i = s; i < e; i++) {
                float g = gate[i];
                float sg = 1f / (1f + (float) Math.exp(-g));
                float da = dAct[i];
                dGate[i] = da * up[i] * sg * (1 + g * (1 - sg));
                dUp[i] = da * g * sg;
            }
        });
        float[] dh2 = new float[n * d];
        projectBackward(l, LoraTarget.GATE, a.h2, dGate, dh2, n, a.loraMid);
        projectBackward(l, LoraTarget.UP, a.h2, dUp, dh2, n, a.loraMid);
        float[] dMid = dOut.clone();
        FastBlockKernels.rmsNormBackward(pool, a.xMid, w.ffnNorm(), a.inv2, dh2, dMid, n, d);
        float[] dAtt = new float[n * c.qDim()];
        projectBackward(l, LoraTarget.O, a.att, dMid, dAtt, n, a.loraMid);
        float[] dq = new float[n * c.qDim()];
        float[] dk = new float[n * c.kvDim()];
        float[] dv = new float[n * c.kvDim()];
        FastBlockKernels.attentionBackward(pool, c, a.q, a.k, a.v, a.probs, dAtt, dq, dk, dv, batch, seq);
        FastBlockKernels.rope(rope, dq, n, seq, c.heads(), hd, true);
        FastBlockKernels.rope(rope, dk, n, seq, c.kvHeads(), hd, true);
        if (w.qNorm() != null) {
            float[] dqPre = new float[dq.length];
            float[] dkPre = new float[dk.length];
            FastBlockKernels.rmsNormBackward(pool, a.qPre, w.qNorm(), a.qInv, dq, dqPre, n * c.heads(), hd);
            FastBlockKernels.rmsNormBackward(pool, a.kPre, w.kNorm(), a.kInv, dk, dkPre, n * c.kvHeads(), hd);
            dq = dqPre;
            dk = dkPre;
        }
        float[] dh1 = new float[n * d];
        projectBackward(l, LoraTarget.Q, a.h1, dq, dh1, n, a.loraMid);
        projectBackward(l, LoraTarget.K, a.h1, dk, dh1, n, a.loraMid);
        projectBackward(l, LoraTarget.V, a.h1, dv, dh1, n, a.loraMid);
        float[] dIn = dMid.clone();
        FastBlockKernels.rmsNormBackward(pool, a.xIn, w.attnNorm(), a.inv1, dh1, dIn, n, d);
        return dIn;
    }
}
