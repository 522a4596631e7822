package dev.starling.llm.train;

import dev.starling.llm.model.ModelConfig;

/**
 * Readable reference forward and backward of a Llama-family decoder for training: embedding,
 * RMSNorm, rotary attention with grouped KV heads and a causal mask, SwiGLU FFN, tied or untied
 * output, mean cross-entropy. Computes the same function as inference's {@code Transformer} (same
 * rope pairing per architecture, same norm epsilon) with activations in float64.
 * <p>A batch is {@code batch} independent sequences of {@code seq} tokens, flattened to N = batch·seq
 * rows; position of row r is r % seq.
 */
public final class LlamaReference {
    private final LlamaParameters p;
    private final ModelConfig c;
    private final Dropout dropout;

    /** What a pass returns: mean loss over the N targets and, when asked, logits [N][vocab]. */
    public record Result(double loss, double[] logits) {
    }

    /** Activations of one block saved for its backward. */
    private record LayerActs(
            double[] xIn,   // [N][dim] block input (residual stream)
            double[] inv1,  // [N] attn RMSNorm 1/rms
            double[] h1,    // [N][dim] normed input of attention
            double[] q,     // [N][qDim] after rope
            double[] k,     // [N][kvDim] after rope
            double[] v,     // [N][kvDim]
            double[] probs, // [batch][heads][seq][seq] softmax of the causal scores
            double[] att,   // [N][qDim] attention output (input of attn_output)
            double[] xMid,  // [N][dim] residual after attention
            double[] inv2,  // [N] ffn RMSNorm 1/rms
            double[] h2,    // [N][dim] normed input of the FFN
            double[] gate,  // [N][ffn] pre-activation gate
            double[] up,    // [N][ffn]
            double[] act) { // [N][ffn] silu(gate)·up
    }

    public LlamaReference(LlamaParameters params) {
        this(params, Dropout.NONE);
    }

    /** A reference whose keyed passes apply {@code dropout} (see {@link Dropout}); key-less passes never do. */
    public LlamaReference(LlamaParameters params, Dropout dropout) {
        this.p = params;
        this.c = params.config();
        this.dropout = dropout;
    }

    /** {@link LossModel} view: forward and backward, returning the loss. */
    public double lossAndGrad(int[] tokens, int[] targets, int batch, int seq, double gradScale) {
        return forwardBackward(tokens, targets, batch, seq, gradScale).loss();
    }

    /** Forward only. */
    public Result forward(int[] tokens, int[] targets, int batch, int seq, boolean wantLogits) {
        return run(tokens, targets, batch, seq, wantLogits, false, 0, null);
    }

    /** Forward only, dropping what a training pass of micro-batch {@code dropoutKey} drops (for gradient checks). */
    public Result forward(int[] tokens, int[] targets, int batch, int seq, boolean wantLogits, long dropoutKey) {
        return run(tokens, targets, batch, seq, wantLogits, false, 0, dropout.active() ? dropoutKey : null);
    }

    /** Forward and backward; adds gradScale · d(mean loss)/d(parameter) to every gradient. */
    public Result forwardBackward(int[] tokens, int[] targets, int batch, int seq, double gradScale) {
        return run(tokens, targets, batch, seq, false, true, gradScale, null);
    }

    /** Forward and backward of a training pass with dropout, its masks chosen by {@code dropoutKey}. */
    public Result forwardBackward(int[] tokens, int[] targets, int batch, int seq, double gradScale, long dropoutKey) {
        return run(tokens, targets, batch, seq, false, true, gradScale, dropout.active() ? dropoutKey : null);
    }

    /** @param key null: no dropout, else the dropout key of this pass */
    private Result run(int[] tokens, int[] targets, int batch, int seq, boolean wantLogits, boolean backward, double gradScale, Long key) {
        int n = batch * seq;
        if (batch <= 0 || seq <= 0 || tokens.length != n || (targets != null && targets.length != n)) {
            throw new IllegalArgumentException("tokens/targets must hold batch·seq = " + batch + "·" + seq + " ids, got "
                    + tokens.length + "/" + (targets == null ? "none" : targets.length));
        }
        if (seq > c.contextLength()) {
            throw new IllegalArgumentException("sequence of " + seq + " exceeds the context length " + c.contextLength());
        }
        int vocab = c.vocabSize();
        for (int i = 0; i < n; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab || (targets != null && targets[i] != LossModel.IGNORE && (targets[i] < 0 || targets[i] >= vocab))) {
                throw new IllegalArgumentException("token or target at " + i + " outside the vocabulary of " + vocab);
            }
        }
        int d = c.dim();
        RopeTables rope = new RopeTables(c, seq);
        double[] x = new double[n * d]; // [N][dim]
        float[] emb = p.tokenEmbedding().value();
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < d; i++) {
                x[r * d + i] = emb[tokens[r] * d + i];
            }
        }
        drop(x, key, Dropout.EMBEDDING_SITE);
        LayerActs[] acts = new LayerActs[c.layers()];
        for (int l = 0; l < c.layers(); l++) {
            acts[l] = blockForward(l, p.layer(l), x, batch, seq, rope, key);
            x = acts[l].xMid.clone();
            addFfnOutput(l, p.layer(l), acts[l], x, n, key);
        }
        double[] invF = new double[n];      // [N]
        double[] hf = new double[n * d];    // [N][dim] final normed hidden
        Ops.rmsNorm(x, p.outputNorm().value(), hf, invF, n, d, c.rmsEps());
        double[] logits = new double[n * vocab]; // [N][vocab]
        Ops.matmul(hf, p.output().value(), logits, n, d, vocab);
        double loss = 0;
        double[] dlogits = backward ? new double[n * vocab] : null; // [N][vocab]
        if (targets != null) {
            int counted = LossModel.counted(targets);
            for (int r = 0; r < n; r++) {
                int o = r * vocab;
                if (targets[r] == LossModel.IGNORE) {
                    continue; // not trained on: no loss, zero gradient
                }
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
                        dlogits[o + j] = StrictMath.exp(logits[o + j] - logZ) * gradScale / counted;
                    }
                    dlogits[o + targets[r]] -= gradScale / counted;
                }
            }
            loss = counted == 0 ? 0 : loss / counted;
        } else if (backward) {
            throw new IllegalArgumentException("backward needs targets");
        }
        if (backward) {
            double[] dhf = new double[n * d]; // [N][dim]
            Ops.matmulBackward(hf, p.output().value(), dlogits, dhf, p.output().grad(), n, d, vocab);
            double[] dx = new double[n * d];  // [N][dim] gradient of the residual stream
            Ops.rmsNormBackward(x, p.outputNorm().value(), invF, dhf, dx, p.outputNorm().grad(), n, d);
            for (int l = c.layers() - 1; l >= 0; l--) {
                dx = blockBackward(l, p.layer(l), acts[l], dx, batch, seq, rope, key);
            }
            drop(dx, key, Dropout.EMBEDDING_SITE);
            float[] dEmb = p.tokenEmbedding().grad();
            for (int r = 0; r < n; r++) {
                for (int i = 0; i < d; i++) {
                    dEmb[tokens[r] * d + i] += (float) dx[r * d + i];
                }
            }
        }
        return new Result(loss, wantLogits ? logits : null);
    }

    /** Attention half of a block, and the FFN's inputs; the FFN output is added by {@link #addFfnOutput}. */
    private LayerActs blockForward(int layer, LlamaParameters.Layer w, double[] xIn, int batch, int seq, RopeTables rope, Long key) {
        int n = batch * seq;
        int d = c.dim();
        int qDim = c.qDim();
        int kvDim = c.kvDim();
        int ffn = c.ffnDim();
        double[] inv1 = new double[n];
        double[] h1 = new double[n * d];
        Ops.rmsNorm(xIn, w.attnNorm().value(), h1, inv1, n, d, c.rmsEps());
        double[] q = new double[n * qDim];
        double[] k = new double[n * kvDim];
        double[] v = new double[n * kvDim];
        Ops.matmul(h1, w.wq().value(), q, n, d, qDim);
        Ops.matmul(h1, w.wk().value(), k, n, d, kvDim);
        Ops.matmul(h1, w.wv().value(), v, n, d, kvDim);
        Ops.rope(q, n, seq, c.heads(), c.headDim(), rope, false);
        Ops.rope(k, n, seq, c.kvHeads(), c.headDim(), rope, false);
        double[] probs = new double[batch * c.heads() * seq * seq];
        double[] att = new double[n * qDim];
        Attention.forward(c, q, k, v, probs, att, batch, seq);
        double[] proj = new double[n * d]; // [N][dim]
        Ops.matmul(att, w.wo().value(), proj, n, qDim, d);
        drop(proj, key, Dropout.attentionSite(layer));
        double[] xMid = new double[n * d];
        for (int i = 0; i < n * d; i++) {
            xMid[i] = xIn[i] + proj[i];
        }
        double[] inv2 = new double[n];
        double[] h2 = new double[n * d];
        Ops.rmsNorm(xMid, w.ffnNorm().value(), h2, inv2, n, d, c.rmsEps());
        double[] gate = new double[n * ffn];
        double[] up = new double[n * ffn];
        Ops.matmul(h2, w.wGate().value(), gate, n, d, ffn);
        Ops.matmul(h2, w.wUp().value(), up, n, d, ffn);
        double[] act = new double[n * ffn];
        for (int i = 0; i < n * ffn; i++) {
            act[i] = gate[i] * Ops.sigmoid(gate[i]) * up[i];
        }
        return new LayerActs(xIn.clone(), inv1, h1, q, k, v, probs, att, xMid, inv2, h2, gate, up, act);
    }

    private void addFfnOutput(int layer, LlamaParameters.Layer w, LayerActs a, double[] x, int n, Long key) {
        int d = c.dim();
        double[] down = new double[n * d]; // [N][dim]
        Ops.matmul(a.act, w.wDown().value(), down, n, c.ffnDim(), d);
        drop(down, key, Dropout.ffnSite(layer));
        for (int i = 0; i < n * d; i++) {
            x[i] += down[i];
        }
    }

    /** Backward of one block: from d(block output) [N][dim] to d(block input) [N][dim], accumulating weight grads. */
    private double[] blockBackward(int layer, LlamaParameters.Layer w, LayerActs a, double[] dOut, int batch, int seq, RopeTables rope, Long key) {
        int n = batch * seq;
        int d = c.dim();
        int qDim = c.qDim();
        int kvDim = c.kvDim();
        int ffn = c.ffnDim();
        // FFN: out = xMid + dropout(act · Wdown^T)
        double[] dDown = dOut.clone(); // [N][dim] d(loss)/d(FFN output before dropout)
        drop(dDown, key, Dropout.ffnSite(layer));
        double[] dAct = new double[n * ffn]; // [N][ffn]
        Ops.matmulBackward(a.act, w.wDown().value(), dDown, dAct, w.wDown().grad(), n, ffn, d);
        double[] dGate = new double[n * ffn]; // [N][ffn]
        double[] dUp = new double[n * ffn];   // [N][ffn]
        for (int i = 0; i < n * ffn; i++) {
            double g = a.gate[i];
            double s = Ops.sigmoid(g);
            double silu = g * s;
            dUp[i] = dAct[i] * silu;
            dGate[i] = dAct[i] * a.up[i] * s * (1 + g * (1 - s));
        }
        double[] dh2 = new double[n * d]; // [N][dim]
        Ops.matmulBackward(a.h2, w.wGate().value(), dGate, dh2, w.wGate().grad(), n, d, ffn);
        Ops.matmulBackward(a.h2, w.wUp().value(), dUp, dh2, w.wUp().grad(), n, d, ffn);
        double[] dMid = dOut.clone(); // [N][dim] residual path
        Ops.rmsNormBackward(a.xMid, w.ffnNorm().value(), a.inv2, dh2, dMid, w.ffnNorm().grad(), n, d);
        // attention: xMid = xIn + dropout(att · Wo^T)
        double[] dProj = dMid.clone(); // [N][dim] d(loss)/d(attention projection before dropout)
        drop(dProj, key, Dropout.attentionSite(layer));
        double[] dAtt = new double[n * qDim]; // [N][qDim]
        Ops.matmulBackward(a.att, w.wo().value(), dProj, dAtt, w.wo().grad(), n, qDim, d);
        double[] dq = new double[n * qDim];  // [N][qDim]
        double[] dk = new double[n * kvDim]; // [N][kvDim]
        double[] dv = new double[n * kvDim]; // [N][kvDim]
        Attention.backward(c, a.q, a.k, a.v, a.probs, dAtt, dq, dk, dv, batch, seq);
        Ops.rope(dq, n, seq, c.heads(), c.headDim(), rope, true);
        Ops.rope(dk, n, seq, c.kvHeads(), c.headDim(), rope, true);
        double[] dh1 = new double[n * d]; // [N][dim]
        Ops.matmulBackward(a.h1, w.wq().value(), dq, dh1, w.wq().grad(), n, d, qDim);
        Ops.matmulBackward(a.h1, w.wk().value(), dk, dh1, w.wk().grad(), n, d, kvDim);
        Ops.matmulBackward(a.h1, w.wv().value(), dv, dh1, w.wv().grad(), n, d, kvDim);
        double[] dIn = dMid.clone(); // [N][dim]
        Ops.rmsNormBackward(a.xIn, w.attnNorm().value(), a.inv1, dh1, dIn, w.attnNorm().grad(), n, d);
        return dIn;
    }

    /** Inverted dropout in place (forward, and the same mask on the gradient backward); nothing when key is null. */
    private void drop(double[] a, Long key, int site) {
        if (key == null) {
            return;
        }
        double scale = 1.0 / (1.0 - dropout.rate());
        for (int i = 0; i < a.length; i++) {
            a[i] = dropout.keep(key, site, i) ? a[i] * scale : 0;
        }
    }
}
