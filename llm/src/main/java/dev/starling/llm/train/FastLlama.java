package dev.starling.llm.train;

import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.tensor.ComputePool;

/**
 * The fast training path: the same function and gradients as {@link LlamaReference}, with F32
 * activations, Vector API kernels ({@link TrainKernels}) and a fixed thread pool. Results do not
 * depend on the thread count (each output element is computed by one thread in a fixed order). Not for
 * concurrent use: the largest buffers of a step are kept and reused by the next one.
 */
public final class FastLlama implements LossModel {
    private final LlamaParameters p;
    private final ModelConfig c;
    private final ComputePool pool;
    private final Dropout dropout;
    // buffers reused from step to step while the batch shape stays the same (the largest allocations of a step)
    private float[] logitsBuf = new float[0];   // [N][vocab]
    private float[] logitsTBuf = new float[0];  // [vocab][N]
    private float[][] probsBuf = new float[0][]; // [layers][batch·heads·seq·seq]

    private record LayerActs(
            float[] xIn, float[] inv1, float[] h1,     // [N][dim], [N], [N][dim]
            float[] q, float[] k, float[] v,           // [N][qDim], [N][kvDim] ×2, after rope
            float[] probs, float[] att,                // [B][heads][T][T], [N][qDim]
            float[] xMid, float[] inv2, float[] h2,    // [N][dim], [N], [N][dim]
            float[] gate, float[] up, float[] act,     // [N][ffn] ×3
            long[] attnKeep, long[] ffnKeep) {         // dropout keep bits of the two branch outputs, or null
    }

    public FastLlama(LlamaParameters params, ComputePool pool) {
        this(params, pool, Dropout.NONE);
    }

    /** A model whose training passes ({@link #lossAndGrad(int[], int[], int, int, double, long)}) apply dropout. */
    public FastLlama(LlamaParameters params, ComputePool pool, Dropout dropout) {
        this.p = params;
        this.c = params.config();
        this.pool = pool;
        this.dropout = dropout;
    }

    /** A training pass without dropout (as with key-less calls of the reference). */
    @Override
    public double lossAndGrad(int[] tokens, int[] targets, int batch, int seq, double gradScale) {
        return run(tokens, targets, batch, seq, gradScale, true, null);
    }

    /** A training pass with this model's dropout, its masks chosen by {@code dropoutKey} (see {@link Dropout}). */
    @Override
    public double lossAndGrad(int[] tokens, int[] targets, int batch, int seq, double gradScale, long dropoutKey) {
        return run(tokens, targets, batch, seq, gradScale, true, dropout.active() ? dropoutKey : null);
    }

    /**
     * The mean loss of a batch without the backward pass (about a third of a training step), e.g. for
     * validation; gradients are left untouched.
     */
    public double loss(int[] tokens, int[] targets, int batch, int seq) {
        return run(tokens, targets, batch, seq, 1.0, false, null);
    }

    /** @param dropoutKey null: no dropout (evaluation), else the micro-batch's mask key */
    private double run(int[] tokens, int[] targets, int batch, int seq, double gradScale, boolean backward, Long dropoutKey) {
        int n = batch * seq;
        int d = c.dim();
        int vocab = c.vocabSize();
        LossModel.checkBatch(c, tokens, targets, batch, seq);
        RopeTables rope = new RopeTables(c, seq);
        float[] x = new float[n * d]; // [N][dim]
        for (int r = 0; r < n; r++) {
            System.arraycopy(p.tokenEmbedding().value(), tokens[r] * d, x, r * d, d);
        }
        long[] embKeep = null;
        if (dropoutKey != null) {
            embKeep = dropout.mask(dropoutKey, Dropout.EMBEDDING_SITE, n * d, pool);
            Dropout.apply(x, embKeep, dropout.keepScale(), n * d, pool);
        }
        LayerActs[] acts = new LayerActs[c.layers()];
        for (int l = 0; l < c.layers(); l++) {
            acts[l] = blockForward(l, p.layer(l), x, batch, seq, rope, dropoutKey);
            x = acts[l].xMid.clone();
            float[] down = new float[n * d];
            TrainKernels.matmul(pool, acts[l].act, p.layer(l).wDown().value(), down, n, c.ffnDim(), d);
            if (acts[l].ffnKeep != null) {
                Dropout.apply(down, acts[l].ffnKeep, dropout.keepScale(), n * d, pool);
            }
            for (int i = 0; i < n * d; i++) {
                x[i] += down[i];
            }
        }
        float[] invF = new float[n];
        float[] hf = new float[n * d];
        rmsNorm(x, p.outputNorm().value(), hf, invF, n, d);
        if (logitsBuf.length != n * vocab) {
            logitsBuf = new float[n * vocab];
        }
        float[] logits = logitsBuf; // [N][vocab], written by the matmul, then overwritten by d(loss)/d(logits)
        TrainKernels.matmul(pool, hf, p.output().value(), logits, n, d, vocab);
        double[] rowLoss = new double[n];
        int counted = LossModel.counted(targets); // n unless some targets are IGNORE
        pool.parallelFor(n, 16, (s, e) -> {
            for (int r = s; r < e; r++) {
                int o = r * vocab;
                if (targets[r] == IGNORE) {
                    java.util.Arrays.fill(logits, o, o + vocab, 0f); // no loss, no gradient from this position
                    continue;
                }
                float max = TrainKernels.max(logits, o, vocab);
                float target = logits[o + targets[r]];
                double sum = TrainKernels.expShifted(logits, o, vocab, max);
                rowLoss[r] = max + StrictMath.log(sum) - target;
                TrainKernels.scale(logits, o, vocab, (float) (gradScale / counted / sum));
                logits[o + targets[r]] -= (float) (gradScale / counted);
            }
        });
        double loss = 0;
        for (double v : rowLoss) {
            loss += v;
        }
        loss = counted == 0 ? 0 : loss / counted;
        if (!backward) {
            return loss;
        }
        float[] dhf = new float[n * d];
        TrainKernels.matmulBackwardInput(pool, logits, p.output().value(), dhf, n, d, vocab);
        if (logitsTBuf.length != n * vocab) {
            logitsTBuf = new float[n * vocab];
        }
        TrainKernels.matmulBackwardWeight(pool, hf, logits, p.output().grad(), n, d, vocab, logitsTBuf);
        float[] dx = new float[n * d];
        rmsNormBackward(x, p.outputNorm().value(), invF, dhf, dx, p.outputNorm().grad(), n, d);
        for (int l = c.layers() - 1; l >= 0; l--) {
            dx = blockBackward(p.layer(l), acts[l], dx, batch, seq, rope);
        }
        if (embKeep != null) {
            Dropout.apply(dx, embKeep, dropout.keepScale(), n * d, pool);
        }
        float[] dEmb = p.tokenEmbedding().grad();
        for (int r = 0; r < n; r++) {
            TrainKernels.axpy(1f, dx, r * d, dEmb, tokens[r] * d, d);
        }
        return loss;
    }

    private LayerActs blockForward(int layer, LlamaParameters.Layer w, float[] xIn, int batch, int seq, RopeTables rope, Long dropoutKey) {
        int n = batch * seq;
        int d = c.dim();
        int ffn = c.ffnDim();
        float[] inv1 = new float[n];
        float[] h1 = new float[n * d];
        rmsNorm(xIn, w.attnNorm().value(), h1, inv1, n, d);
        float[] q = new float[n * c.qDim()];
        float[] k = new float[n * c.kvDim()];
        float[] v = new float[n * c.kvDim()];
        TrainKernels.matmul(pool, h1, w.wq().value(), q, n, d, c.qDim());
        TrainKernels.matmul(pool, h1, w.wk().value(), k, n, d, c.kvDim());
        TrainKernels.matmul(pool, h1, w.wv().value(), v, n, d, c.kvDim());
        rope(q, n, seq, c.heads(), rope, false);
        rope(k, n, seq, c.kvHeads(), rope, false);
        if (probsBuf.length != c.layers()) {
            probsBuf = new float[c.layers()][0];
        }
        if (probsBuf[layer].length != batch * c.heads() * seq * seq) {
            probsBuf[layer] = new float[batch * c.heads() * seq * seq];
        }
        float[] probs = probsBuf[layer]; // every entry is written (zeros above the diagonal)
        float[] att = new float[n * c.qDim()];
        FastAttention.forward(pool, c, q, k, v, probs, att, batch, seq);
        float[] xMid = new float[n * d];
        TrainKernels.matmul(pool, att, w.wo().value(), xMid, n, c.qDim(), d);
        long[] attnKeep = null;
        long[] ffnKeep = null;
        if (dropoutKey != null) {
            attnKeep = dropout.mask(dropoutKey, Dropout.attentionSite(layer), n * d, pool);
            ffnKeep = dropout.mask(dropoutKey, Dropout.ffnSite(layer), n * d, pool);
            Dropout.apply(xMid, attnKeep, dropout.keepScale(), n * d, pool); // xMid holds the projection until the residual is added
        }
        for (int i = 0; i < n * d; i++) {
            xMid[i] += xIn[i];
        }
        float[] inv2 = new float[n];
        float[] h2 = new float[n * d];
        rmsNorm(xMid, w.ffnNorm().value(), h2, inv2, n, d);
        float[] gate = new float[n * ffn];
        float[] up = new float[n * ffn];
        TrainKernels.matmul(pool, h2, w.wGate().value(), gate, n, d, ffn);
        TrainKernels.matmul(pool, h2, w.wUp().value(), up, n, d, ffn);
        float[] act = new float[n * ffn];
        pool.parallelFor(n * ffn, 4096, (s, e) -> TrainKernels.swiglu(gate, up, act, s, e));
        return new LayerActs(xIn.clone(), inv1, h1, q, k, v, probs, att, xMid, inv2, h2, gate, up, act, attnKeep, ffnKeep);
    }

    private float[] blockBackward(LlamaParameters.Layer w, LayerActs a, float[] dOut, int batch, int seq, RopeTables rope) {
        int n = batch * seq;
        int d = c.dim();
        int ffn = c.ffnDim();
        float[] dAct = new float[n * ffn];
        float[] dDown = dropped(dOut, a.ffnKeep, n * d); // d(loss)/d(FFN output before dropout)
        TrainKernels.matmulBackwardInput(pool, dDown, w.wDown().value(), dAct, n, ffn, d);
        TrainKernels.matmulBackwardWeight(pool, a.act, dDown, w.wDown().grad(), n, ffn, d);
        float[] dGate = new float[n * ffn];
        float[] dUp = new float[n * ffn];
        pool.parallelFor(n * ffn, 4096, (s, e) -> TrainKernels.swigluBackward(dAct, a.gate, a.up, dGate, dUp, s, e));
        float[] dh2 = new float[n * d];
        TrainKernels.matmulBackwardInput(pool, dGate, w.wGate().value(), dh2, n, d, ffn);
        TrainKernels.matmulBackwardInput(pool, dUp, w.wUp().value(), dh2, n, d, ffn);
        TrainKernels.matmulBackwardWeight(pool, a.h2, dGate, w.wGate().grad(), n, d, ffn);
        TrainKernels.matmulBackwardWeight(pool, a.h2, dUp, w.wUp().grad(), n, d, ffn);
        float[] dMid = dOut.clone();
        rmsNormBackward(a.xMid, w.ffnNorm().value(), a.inv2, dh2, dMid, w.ffnNorm().grad(), n, d);
        float[] dAtt = new float[n * c.qDim()];
        float[] dProj = dropped(dMid, a.attnKeep, n * d); // d(loss)/d(attention projection before dropout)
        TrainKernels.matmulBackwardInput(pool, dProj, w.wo().value(), dAtt, n, c.qDim(), d);
        TrainKernels.matmulBackwardWeight(pool, a.att, dProj, w.wo().grad(), n, c.qDim(), d);
        float[] dq = new float[n * c.qDim()];
        float[] dk = new float[n * c.kvDim()];
        float[] dv = new float[n * c.kvDim()];
        FastAttention.backward(pool, c, a.q, a.k, a.v, a.probs, dAtt, dq, dk, dv, batch, seq);
        rope(dq, n, seq, c.heads(), rope, true);
        rope(dk, n, seq, c.kvHeads(), rope, true);
        float[] dh1 = new float[n * d];
        TrainKernels.matmulBackwardInput(pool, dq, w.wq().value(), dh1, n, d, c.qDim());
        TrainKernels.matmulBackwardInput(pool, dk, w.wk().value(), dh1, n, d, c.kvDim());
        TrainKernels.matmulBackwardInput(pool, dv, w.wv().value(), dh1, n, d, c.kvDim());
        TrainKernels.matmulBackwardWeight(pool, a.h1, dq, w.wq().grad(), n, d, c.qDim());
        TrainKernels.matmulBackwardWeight(pool, a.h1, dk, w.wk().grad(), n, d, c.kvDim());
        TrainKernels.matmulBackwardWeight(pool, a.h1, dv, w.wv().grad(), n, d, c.kvDim());
        float[] dIn = dMid.clone();
        rmsNormBackward(a.xIn, w.attnNorm().value(), a.inv1, dh1, dIn, w.attnNorm().grad(), n, d);
        return dIn;
    }

    /** The gradient through a dropout: the same array when nothing was dropped, else a masked, scaled copy. */
    private float[] dropped(float[] grad, long[] keep, int n) {
        if (keep == null) {
            return grad;
        }
        float[] out = grad.clone();
        Dropout.apply(out, keep, dropout.keepScale(), n, pool);
        return out;
    }

    /** Rows per block of the norm backward's gain gradient: fixed, so its sum does not depend on threads. */
    private static final int NORM_ROWS = 64;

    private void rmsNorm(float[] x, float[] g, float[] y, float[] inv, int n, int d) {
        pool.parallelFor(n, 16, (s, e) -> {
            for (int r = s; r < e; r++) {
                double ss = 0;
                for (int i = 0; i < d; i++) {
                    ss += x[r * d + i] * x[r * d + i];
                }
                float sc = (float) (1.0 / Math.sqrt(ss / d + c.rmsEps()));
                inv[r] = sc;
                for (int i = 0; i < d; i++) {
                    y[r * d + i] = x[r * d + i] * sc * g[i];
                }
            }
        });
    }

    /** dx += the input gradient, dg += the gain gradient (partial sums over blocks of {@value #NORM_ROWS} rows, in order). */
    private void rmsNormBackward(float[] x, float[] g, float[] inv, float[] dy, float[] dx, float[] dg, int n, int d) {
        int blocks = (n + NORM_ROWS - 1) / NORM_ROWS;
        double[] dgAcc = new double[blocks * d]; // [blocks][d]
        pool.parallelFor(blocks, 1, (bs, be) -> {
            for (int b = bs; b < be; b++) {
                int acc = b * d;
                for (int r = b * NORM_ROWS; r < Math.min(n, (b + 1) * NORM_ROWS); r++) {
                    int o = r * d;
                    double s = inv[r];
                    double dot = 0;
                    for (int i = 0; i < d; i++) {
                        dot += dy[o + i] * g[i] * x[o + i];
                        dgAcc[acc + i] += dy[o + i] * x[o + i] * s;
                    }
                    double k = s * s * s / d * dot;
                    for (int i = 0; i < d; i++) {
                        dx[o + i] += (float) (s * dy[o + i] * g[i] - x[o + i] * k);
                    }
                }
            }
        });
        for (int i = 0; i < d; i++) {
            double sum = 0;
            for (int b = 0; b < blocks; b++) {
                sum += dgAcc[b * d + i];
            }
            dg[i] += (float) sum;
        }
    }

    private void rope(float[] x, int n, int seq, int heads, RopeTables t, boolean inverse) {
        int hd = c.headDim();
        pool.parallelFor(n, 16, (s, e) -> {
            for (int r = s; r < e; r++) {
                int pos = r % seq;
                for (int h = 0; h < heads; h++) {
                    int base = (r * heads + h) * hd;
                    for (int j = 0; j < t.half(); j++) {
                        float cs = (float) t.cos(pos, j);
                        float sn = (float) (inverse ? -t.sin(pos, j) : t.sin(pos, j));
                        int i0 = base + t.first(j);
                        int i1 = base + t.second(j);
                        float a = x[i0];
                        float b = x[i1];
                        x[i0] = a * cs - b * sn;
                        x[i1] = a * sn + b * cs;
                    }
                }
            }
        });
    }
}
