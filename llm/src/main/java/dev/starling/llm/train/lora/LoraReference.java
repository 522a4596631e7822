package dev.starling.llm.train.lora;

import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.train.TrainParameter;

/**
 * Readable forward and backward of a Llama-family decoder with LoRA adapters over a frozen base: every adapted
 * projection computes y = W·x + (alpha/r)·B·(A·x), with W read from its GGUF type row by row. The backward gives
 * gradients for A and B only; through W it passes the input gradient (dx += dy·W) and nothing else. Activations
 * are float64, so the same code serves the finite-difference gradient check.
 * <p>A batch is {@code batch} sequences of {@code seq} tokens flattened to N rows; row r is at position r % seq.
 */
public final class LoraReference implements LoraModel {
    private static final int TARGETS = LoraTarget.values().length;

    private final FrozenBase base;
    private final LoraAdapter adapter;
    private final ModelConfig c;
    private final double scale;
    private final ComputePool pool; // null: serial

    /** Mean loss over the targets (0 without targets) and, when asked, logits [N][vocab]. */
    public record Result(double loss, double[] logits) {
    }

    /** What one block's backward needs. */
    private record Acts(double[] xIn, double[] inv1, double[] h1, double[] qPre, double[] kPre, double[] qInv,
            double[] kInv, double[] q, double[] k, double[] v, double[] probs,
            double[] att, double[] xMid, double[] inv2, double[] h2, double[] gate, double[] up, double[] act,
            double[][] loraMid) { // [target][N][r]: A·x of each adapted projection
    }

    public LoraReference(FrozenBase base, LoraAdapter adapter) {
        this(base, adapter, null);
    }

    /** Frozen-weight products split over {@code pool} (null: serial); results do not depend on its size. */
    public LoraReference(FrozenBase base, LoraAdapter adapter, ComputePool pool) {
        if (!adapter.baseConfig().equals(base.config())) {
            throw new IllegalArgumentException("adapter was made for " + adapter.baseConfig() + ", the base is "
                    + base.config());
        }
        this.base = base;
        this.adapter = adapter;
        this.c = base.config();
        this.scale = adapter.config().scale();
        this.pool = pool;
    }

    @Override
    public double lossAndGradients(int[] tokens, int[] targets, int batch, int seq, double gradScale) {
        return forwardBackward(tokens, targets, batch, seq, gradScale).loss();
    }

    @Override
    public double loss(int[] tokens, int[] targets, int batch, int seq) {
        return forward(tokens, targets, batch, seq, false).loss();
    }

    public Result forward(int[] tokens, int[] targets, int batch, int seq, boolean wantLogits) {
        return run(tokens, targets, batch, seq, wantLogits, false, 0);
    }

    /** Forward and backward; adds gradScale · d(mean loss)/d(A, B) to the adapter's gradients. */
    public Result forwardBackward(int[] tokens, int[] targets, int batch, int seq, double gradScale) {
        return run(tokens, targets, batch, seq, false, true, gradScale);
    }

    private Result run(int[] tokens, int[] targets, int batch, int seq, boolean wantLogits, boolean backward,
            double gradScale) {
        int n = batch * seq;
        LoraKernels.checkBatch(c, tokens, targets, batch, seq, backward);
        int vocab = c.vocabSize();
        int d = c.dim();
        LoraKernels.Rope rope = LoraKernels.Rope.of(c, base.ropeFactors(), seq);
        double[] x = new double[n * d];
        float[] row = new float[d];
        for (int r = 0; r < n; r++) {
            base.tokenEmbedding().row(tokens[r], row);
            for (int i = 0; i < d; i++) {
                x[r * d + i] = row[i];
            }
        }
        Acts[] acts = new Acts[c.layers()];
        for (int l = 0; l < c.layers(); l++) {
            acts[l] = block(l, x, batch, seq, rope);
            x = acts[l].xMid.clone();
            double[] down = project(l, LoraTarget.DOWN, acts[l].act, n, acts[l].loraMid);
            for (int i = 0; i < n * d; i++) {
                x[i] += down[i];
            }
        }
        double[] invF = new double[n];
        double[] hf = new double[n * d];
        LoraKernels.rmsNorm(x, base.outputNorm(), hf, invF, n, d, c.rmsEps());
        double[] logits = new double[n * vocab];
        base.output().matmul(hf, logits, n, pool);
        double loss = 0;
        double[] dlogits = backward ? new double[n * vocab] : null;
        if (targets != null) {
            for (int r = 0; r < n; r++) {
                int o = r * vocab;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < vocab; j++) {
                    max = Math.max(max, logits[o + j]);
                }
                double sum = 0;
                for (int j = 0; j < vocab; j++) {
                    sum += StrictMath.exp(logits[o + j] - max);
                }
                double logZ = max + StrictMath.log(sum);
                loss += logZ - logits[o + targets[r]];
                if (backward) {
                    for (int j = 0; j < vocab; j++) {
                        dlogits[o + j] = StrictMath.exp(logits[o + j] - logZ) * gradScale / n;
                    }
                    dlogits[o + targets[r]] -= gradScale / n;
                }
            }
            loss /= n;
        }
        if (backward) {
            double[] dhf = new double[n * d];
            base.output().backwardInput(dlogits, dhf, n, pool);
            double[] dx = new double[n * d];
            LoraKernels.rmsNormBackward(x, base.outputNorm(), invF, dhf, dx, n, d);
            for (int l = c.layers() - 1; l >= 0; l--) {
                dx = blockBackward(l, acts[l], dx, batch, seq, rope);
            }
            // the embedding is frozen: the gradient stops here
        }
        return new Result(loss, wantLogits ? logits : null);
    }

    /** y [N][out] = x·W^T + scale·(x·A^T)·B^T; saves x·A^T in loraMid[target] for the backward. */
    private double[] project(int l, LoraTarget t, double[] x, int n, double[][] loraMid) {
        FrozenMatrix w = base.layer(l).weight(t);
        int out = w.rows();
        int in = w.cols();
        double[] y = new double[n * out];
        w.matmul(x, y, n, pool);
        LoraAdapter.Pair p = adapter.pair(l, t);
        if (p != null) {
            int r = p.a().rows();
            float[] a = p.a().value();
            float[] b = p.b().value();
            double[] u = new double[n * r];
            for (int row = 0; row < n; row++) {
                for (int k = 0; k < r; k++) {
                    double s = 0;
                    for (int i = 0; i < in; i++) {
                        s += x[row * in + i] * a[k * in + i];
                    }
                    u[row * r + k] = s;
                }
                for (int o = 0; o < out; o++) {
                    double s = 0;
                    for (int k = 0; k < r; k++) {
                        s += u[row * r + k] * b[o * r + k];
                    }
                    y[row * out + o] += scale * s;
                }
            }
            loraMid[t.ordinal()] = u;
        }
        return y;
    }

    /**
     * Backward of {@link #project}: dx += dy·W + du·A with du = scale·dy·B; dB += scale·dy^T·u; dA += du^T·x.
     */
    private void projectBackward(int l, LoraTarget t, double[] x, double[] dy, double[] dx, int n, double[][] loraMid) {
        FrozenMatrix w = base.layer(l).weight(t);
        w.backwardInput(dy, dx, n, pool);
        LoraAdapter.Pair p = adapter.pair(l, t);
        if (p == null) {
            return;
        }
        int out = w.rows();
        int in = w.cols();
        int r = p.a().rows();
        TrainParameter pa = p.a();
        TrainParameter pb = p.b();
        double[] u = loraMid[t.ordinal()];
        double[] du = new double[n * r];
        double[] dB = new double[out * r];
        for (int row = 0; row < n; row++) {
            for (int o = 0; o < out; o++) {
                double g = scale * dy[row * out + o];
                if (g == 0) {
                    continue;
                }
                for (int k = 0; k < r; k++) {
                    dB[o * r + k] += g * u[row * r + k];
                    du[row * r + k] += g * pb.value()[o * r + k];
                }
            }
        }
        double[] dA = new double[r * in];
        for (int row = 0; row < n; row++) {
            for (int k = 0; k < r; k++) {
                double g = du[row * r + k];
                if (g == 0) {
                    continue;
                }
                for (int i = 0; i < in; i++) {
                    dA[k * in + i] += g * x[row * in + i];
                    dx[row * in + i] += g * pa.value()[k * in + i];
                }
            }
        }
        for (int i = 0; i < dB.length; i++) {
            pb.grad()[i] += (float) dB[i];
        }
        for (int i = 0; i < dA.length; i++) {
            pa.grad()[i] += (float) dA[i];
        }
    }

    private static void addBias(double[] y, float[] bias, int n) {
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

    /** Attention half of block l and the FFN's activations; the caller adds the down projection. */
    private Acts block(int l, double[] xIn, int batch, int seq, LoraKernels.Rope rope) {
        FrozenBase.Layer w = base.layer(l);
        int n = batch * seq;
        int d = c.dim();
        int ffn = c.ffnDim();
        double[][] mid = new double[TARGETS][];
        double[] inv1 = new double[n];
        double[] h1 = new double[n * d];
        LoraKernels.rmsNorm(xIn, w.attnNorm(), h1, inv1, n, d, c.rmsEps());
        double[] q = project(l, LoraTarget.Q, h1, n, mid);
        double[] k = project(l, LoraTarget.K, h1, n, mid);
        double[] v = project(l, LoraTarget.V, h1, n, mid);
        addBias(q, w.qBias(), n);
        addBias(k, w.kBias(), n);
        addBias(v, w.vBias(), n);
        double[] qPre = null;
        double[] kPre = null;
        double[] qInv = null;
        double[] kInv = null;
        if (w.qNorm() != null) { // qwen3: RMSNorm of each head of q and k before the rotation
            qPre = q;
            kPre = k;
            q = new double[qPre.length];
            k = new double[kPre.length];
            qInv = new double[n * c.heads()];
            kInv = new double[n * c.kvHeads()];
            LoraKernels.rmsNorm(qPre, w.qNorm(), q, qInv, n * c.heads(), c.headDim(), c.rmsEps());
            LoraKernels.rmsNorm(kPre, w.kNorm(), k, kInv, n * c.kvHeads(), c.headDim(), c.rmsEps());
        }
        rope.apply(q, n, seq, c.heads(), c.headDim(), false);
        rope.apply(k, n, seq, c.kvHeads(), c.headDim(), false);
        double[] probs = new double[batch * c.heads() * seq * seq];
        double[] att = new double[n * c.qDim()];
        LoraKernels.attention(c, q, k, v, probs, att, batch, seq);
        double[] proj = project(l, LoraTarget.O, att, n, mid);
        double[] xMid = new double[n * d];
        for (int i = 0; i < n * d; i++) {
            xMid[i] = xIn[i] + proj[i];
        }
        double[] inv2 = new double[n];
        double[] h2 = new double[n * d];
        LoraKernels.rmsNorm(xMid, w.ffnNorm(), h2, inv2, n, d, c.rmsEps());
        double[] gate = project(l, LoraTarget.GATE, h2, n, mid);
        double[] up = project(l, LoraTarget.UP, h2, n, mid);
        double[] act = new double[n * ffn];
        for (int i = 0; i < n * ffn; i++) {
            act[i] = gate[i] * LoraKernels.sigmoid(gate[i]) * up[i];
        }
        return new Acts(xIn.clone(), inv1, h1, qPre, kPre, qInv, kInv, q, k, v, probs, att, xMid, inv2, h2, gate, up, act, mid);
    }

    private double[] blockBackward(int l, Acts a, double[] dOut, int batch, int seq, LoraKernels.Rope rope) {
        FrozenBase.Layer w = base.layer(l);
        int n = batch * seq;
        int d = c.dim();
        int ffn = c.ffnDim();
        double[] dAct = new double[n * ffn];
        projectBackward(l, LoraTarget.DOWN, a.act, dOut, dAct, n, a.loraMid);
        double[] dGate = new double[n * ffn];
        double[] dUp = new double[n * ffn];
        for (int i = 0; i < n * ffn; i++) {
            double g = a.gate[i];
            double s = LoraKernels.sigmoid(g);
            dUp[i] = dAct[i] * g * s;
            dGate[i] = dAct[i] * a.up[i] * s * (1 + g * (1 - s));
        }
        double[] dh2 = new double[n * d];
        projectBackward(l, LoraTarget.GATE, a.h2, dGate, dh2, n, a.loraMid);
        projectBackward(l, LoraTarget.UP, a.h2, dUp, dh2, n, a.loraMid);
        double[] dMid = dOut.clone();
        LoraKernels.rmsNormBackward(a.xMid, w.ffnNorm(), a.inv2, dh2, dMid, n, d);
        double[] dAtt = new double[n * c.qDim()];
        projectBackward(l, LoraTarget.O, a.att, dMid, dAtt, n, a.loraMid);
        double[] dq = new double[n * c.qDim()];
        double[] dk = new double[n * c.kvDim()];
        double[] dv = new double[n * c.kvDim()];
        LoraKernels.attentionBackward(c, a.q, a.k, a.v, a.probs, dAtt, dq, dk, dv, batch, seq);
        rope.apply(dq, n, seq, c.heads(), c.headDim(), true);
        rope.apply(dk, n, seq, c.kvHeads(), c.headDim(), true);
        if (w.qNorm() != null) {
            double[] dqPre = new double[dq.length];
            double[] dkPre = new double[dk.length];
            LoraKernels.rmsNormBackward(a.qPre, w.qNorm(), a.qInv, dq, dqPre, n * c.heads(), c.headDim());
            LoraKernels.rmsNormBackward(a.kPre, w.kNorm(), a.kInv, dk, dkPre, n * c.kvHeads(), c.headDim());
            dq = dqPre;
            dk = dkPre;
        }
        double[] dh1 = new double[n * d];
        projectBackward(l, LoraTarget.Q, a.h1, dq, dh1, n, a.loraMid);
        projectBackward(l, LoraTarget.K, a.h1, dk, dh1, n, a.loraMid);
        projectBackward(l, LoraTarget.V, a.h1, dv, dh1, n, a.loraMid);
        double[] dIn = dMid.clone();
        LoraKernels.rmsNormBackward(a.xIn, w.attnNorm(), a.inv1, dh1, dIn, n, d);
        return dIn;
    }
}
