package dev.starling.llm.model;

import dev.starling.llm.tensor.ActivationRounding;
import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.tensor.Kernels;
import dev.starling.llm.tensor.MatMul;
import dev.starling.llm.tensor.QuantType;
import dev.starling.llm.tensor.QuantizedMatrix;
import dev.starling.llm.tensor.StableMath;
import dev.starling.llm.tensor.VectorRounding;
import dev.starling.llm.model.StepPhases.Phase;

/**
 * The one forward pass of the Llama family (llama, mistral, qwen2, qwen3), configured by
 * {@link ModelConfig}: RMSNorm, RoPE (normal or NEOX pairing, freq base, linear or llama3
 * frequency factors), grouped-query attention with optional q/k/v biases and QK-norm, SwiGLU.
 * <p>A call runs a batch of T entries, each (sequence cache, token) appended at the cache's end: a
 * prompt is one sequence with T tokens (prefill as a matrix), batched decode is T sequences with one
 * token each. Every weight matrix is read once per call for the whole batch.
 * Not thread-safe across calls on the same caches; calls themselves are serialized by the pool.
 */
public final class Transformer {
    private final ModelConfig c;
    private final ModelWeights w;
    private final ComputePool pool;
    private final double[] invFreq; // [ropeDims/2]
    /** Round activations as llama.cpp does before each product (on by default; -Dstarling.llm.exactActivations=true turns it off). */
    private final boolean roundActivations;
    /** What {@link #newCache(int)} makes: -Dstarling.llm.kvType=F16|F32 (F32 when unset). */
    private final KvType defaultKvType = KvType.fromSystemProperty();
    private static final boolean VECTOR_STEPS = ActivationRounding.vectorRoundingUsable();
    private static final ThreadLocal<float[]> SCORES = ThreadLocal.withInitial(() -> new float[256]);

    public Transformer(ModelConfig config, ModelWeights weights, ComputePool pool) {
        this(config, weights, pool, !Boolean.getBoolean("starling.llm.exactActivations"));
    }

    /**
     * @param roundActivations round activations before each product as llama.cpp's CPU backend does (to Q8_0/Q8_K/F16/BF16
     *                         per weight type): results then follow llama.cpp closely; false keeps them in float
     */
    public Transformer(ModelConfig config, ModelWeights weights, ComputePool pool, boolean roundActivations) {
        this.roundActivations = roundActivations;
        this.c = config;
        this.w = weights;
        this.pool = pool;
        int half = c.ropeDims() / 2;
        this.invFreq = new double[half];
        for (int i = 0; i < half; i++) {
            double f = StrictMath.pow(c.ropeTheta(), -2.0 * i / c.ropeDims()) * c.ropeFreqScale();
            if (w.ropeFreqFactors() != null) {
                f /= w.ropeFreqFactors()[i];
            }
            invFreq[i] = f;
        }
    }

    public ModelConfig config() {
        return c;
    }

    public ModelWeights weights() {
        return w;
    }

    public ComputePool pool() {
        return pool;
    }

    /** A fresh cache for one sequence of at most {@code capacity} tokens, of the default type (see {@link KvType#fromSystemProperty()}). */
    public KvCache newCache(int capacity) {
        return new KvCache(c, capacity, defaultKvType);
    }

    /** A fresh cache for one sequence of at most {@code capacity} tokens, storing keys and values as {@code type}. */
    public KvCache newCache(int capacity, KvType type) {
        return new KvCache(c, capacity, type);
    }

    /** What a batch call returns: logits and, when asked, final (normed) hidden states. */
    public record Output(float[] logits, int logitRows, float[] hidden) {
        /** Logits row i (a copy). */
        public float[] logitsRow(int i, int vocab) {
            float[] r = new float[vocab];
            System.arraycopy(logits, i * vocab, r, 0, vocab);
            return r;
        }
    }

    /** Appends a prompt to one sequence as a matrix (in chunks of at most {@code chunk} tokens); returns the last position's logits. */
    public float[] prefill(KvCache cache, int[] tokens, int chunk) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("prefill needs at least one token");
        }
        checkRoom(cache, tokens.length);
        float[] last = null;
        for (int start = 0; start < tokens.length; start += chunk) {
            int n = Math.min(chunk, tokens.length - start);
            KvCache[] caches = new KvCache[n];
            int[] toks = new int[n];
            boolean[] want = new boolean[n];
            for (int i = 0; i < n; i++) {
                caches[i] = cache;
                toks[i] = tokens[start + i];
            }
            boolean lastChunk = start + n == tokens.length;
            want[n - 1] = lastChunk;
            Output o = forward(caches, toks, want, false);
            if (lastChunk) {
                last = o.logits();
            }
        }
        return last;
    }

    /** One decode step for several sequences at once; returns logits [i][vocab] for each. */
    public float[][] step(KvCache[] caches, int[] tokens) {
        boolean[] want = new boolean[tokens.length];
        java.util.Arrays.fill(want, true);
        Output o = forward(caches, tokens, want, false);
        float[][] r = new float[tokens.length][];
        ComputePool.RangeTask copy = (s, e) -> { // 8 rows of 128k logits: ~4 MB, split over the threads from variant 2
            for (int i = s; i < e; i++) {
                r[i] = o.logitsRow(i, c.vocabSize());
            }
        };
        if (fused()) {
            pool.parallelFor(tokens.length, 1, copy);
        } else {
            copy.run(0, tokens.length);
        }
        StepPhases.end(Phase.LOGITS_COPY);
        return r;
    }

    private static void checkRoom(KvCache cache, int more) {
        if ((long) cache.length() + more > cache.capacity()) {
            throw new ContextOverflowException(cache.capacity(), cache.length() + more);
        }
    }

    /**
     * Runs T entries: entry i appends tokens[i] to caches[i] (entries of the same cache must be in order).
     * Logits are computed for entries with wantLogits[i], in order; hidden states of all entries when wantHidden.
     */
    public Output forward(KvCache[] caches, int[] tokens, boolean[] wantLogits, boolean wantHidden) {
        int t = tokens.length;
        if (t == 0 || caches.length != t || wantLogits.length != t) {
            throw new IllegalArgumentException("batch arrays must have the same, non-zero length");
        }
        StepPhases.start();
        // positions: each entry goes at its cache's end, after earlier entries of the same cache
        int[] pos = new int[t];
        java.util.IdentityHashMap<KvCache, Integer> next = new java.util.IdentityHashMap<>();
        for (int i = 0; i < t; i++) {
            if (tokens[i] < 0 || tokens[i] >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + tokens[i] + " outside the vocabulary of " + c.vocabSize());
            }
            int p = next.getOrDefault(caches[i], caches[i].length());
            if (p >= caches[i].capacity()) {
                throw new ContextOverflowException(caches[i].capacity(), p + 1);
            }
            pos[i] = p;
            next.put(caches[i], p + 1);
        }
        int dim = c.dim();
        int qDim = c.qDim();
        int kvDim = c.kvDim();
        int ffn = c.ffnDim();
        float[] x = new float[t * dim];   // [T][dim] residual stream
        float[] xb = new float[t * dim];  // [T][dim] normed input
        float[] q = new float[t * qDim];  // [T][qDim]
        float[] k = new float[t * kvDim]; // [T][kvDim]
        float[] v = new float[t * kvDim]; // [T][kvDim]
        float[] att = new float[t * qDim]; // [T][qDim] attention output
        float[] proj = new float[t * Math.max(dim, 1)]; // [T][dim]
        float[] gate = new float[t * ffn]; // [T][ffn]
        float[] up = new float[t * ffn];   // [T][ffn]
        for (int i = 0; i < t; i++) {
            w.tokenEmbedding().dequantizeRow(tokens[i], x, i * dim);
        }
        float[][] cos = new float[t][];
        float[][] sin = new float[t][];
        for (int i = 0; i < t; i++) {
            int half = invFreq.length;
            cos[i] = new float[half];
            sin[i] = new float[half];
            for (int j = 0; j < half; j++) {
                double a = pos[i] * invFreq[j];
                cos[i][j] = (float) StrictMath.cos(a);
                sin[i][j] = (float) StrictMath.sin(a);
            }
        }
        float[] xr = null; // [T][max(dim, ffn)] the next product's input, rounded (fused paths)
        StepPhases.end(Phase.SETUP);
        for (int l = 0; l < c.layers(); l++) {
            LayerWeights lw = w.layers()[l];
            QuantizedMatrix[] qkv = {lw.wq(), lw.wk(), lw.wv()};
            QuantType qkvRound = fusedRoundType(qkv);
            if (qkvRound != null && xr == null) {
                xr = new float[t * Math.max(dim, ffn)];
            }
            // the residual of the previous layer's down product, the norm and the rounding: one pass per row
            addNormRound(x, l == 0 ? null : proj, xb, lw.attnNorm(), t, dim, qkvRound, xr);
            StepPhases.end(Phase.ATTN_NORM);
            if (qkvRound != null) {
                MatMul.matmulMany(pool, qkv, new float[][] {xr, xr, xr}, t, new float[][] {q, k, v});
            } else {
                matmulMany(qkv, xb, t, new float[][] {q, k, v}, Phase.ROUND_QKV);
            }
            StepPhases.end(Phase.QKV);
            for (int i = 0; i < t; i++) {
                if (lw.qBias() != null) {
                    addInPlace(q, i * qDim, lw.qBias(), qDim);
                    addInPlace(k, i * kvDim, lw.kBias(), kvDim);
                    addInPlace(v, i * kvDim, lw.vBias(), kvDim);
                }
                if (lw.qNorm() != null) {
                    for (int h = 0; h < c.heads(); h++) {
                        rmsNorm(q, i * qDim + h * c.headDim(), q, i * qDim + h * c.headDim(), lw.qNorm(), c.headDim());
                    }
                    for (int h = 0; h < c.kvHeads(); h++) {
                        rmsNorm(k, i * kvDim + h * c.headDim(), k, i * kvDim + h * c.headDim(), lw.kNorm(), c.headDim());
                    }
                }
                for (int h = 0; h < c.heads(); h++) {
                    rope(q, i * qDim + h * c.headDim(), cos[i], sin[i]);
                }
                for (int h = 0; h < c.kvHeads(); h++) {
                    rope(k, i * kvDim + h * c.headDim(), cos[i], sin[i]);
                }
                caches[i].write(l, pos[i], k, i * kvDim, v, i * kvDim);
            }
            StepPhases.end(Phase.ROPE_KV);
            final int layer = l;
            // each head's output rounded for wo as soon as it is written (Q8_0 blocks of 32 lie within a head)
            QuantType oRound = fusedRoundType(new QuantizedMatrix[] {lw.wo()});
            boolean roundHeads = oRound != null && (oRound == QuantType.Q8_0 || oRound == QuantType.Q4_0) && c.headDim() % 32 == 0;
            pool.parallelFor(t * c.heads(), 1, (s, e) -> {
                for (int job = s; job < e; job++) {
                    int i = job / c.heads();
                    int head = job % c.heads();
                    if (caches[i].type() == KvType.F16) {
                        attention16(caches[i], layer, pos[i], q, i * qDim, head, att);
                    } else {
                        attention(caches[i], layer, pos[i], q, i * qDim, head, att);
                    }
                    if (roundHeads) {
                        int o = i * qDim + head * c.headDim();
                        ActivationRounding.roundRow(oRound, att, o, att, o, c.headDim());
                    }
                }
            });
            StepPhases.end(Phase.ATTENTION);
            if (roundHeads) {
                MatMul.matmul(pool, lw.wo(), att, t, proj, 0, dim);
            } else {
                matmul(lw.wo(), att, t, proj, dim, Phase.ROUND_O);
            }
            StepPhases.end(Phase.O);
            QuantizedMatrix[] gateUp = {lw.wGate(), lw.wUp()};
            QuantType guRound = fusedRoundType(gateUp);
            if (guRound != null && xr == null) {
                xr = new float[t * Math.max(dim, ffn)];
            }
            addNormRound(x, proj, xb, lw.ffnNorm(), t, dim, guRound, xr);
            StepPhases.end(Phase.FFN_NORM);
            if (guRound != null) {
                MatMul.matmulMany(pool, gateUp, new float[][] {xr, xr}, t, new float[][] {gate, up});
            } else {
                matmulMany(gateUp, xb, t, new float[][] {gate, up}, Phase.ROUND_GATE_UP);
            }
            StepPhases.end(Phase.GATE_UP);
            QuantType downRound = fusedRoundType(new QuantizedMatrix[] {lw.wDown()});
            if (downRound != null && xr == null) {
                xr = new float[t * Math.max(dim, ffn)];
            }
            siluRound(gate, up, t, ffn, downRound, xr);
            StepPhases.end(Phase.SILU);
            if (downRound != null) {
                MatMul.matmul(pool, lw.wDown(), xr, t, proj, 0, dim);
            } else {
                matmul(lw.wDown(), gate, t, proj, dim, Phase.ROUND_DOWN);
            }
            StepPhases.end(Phase.DOWN);
        }
        for (int i = 0; i < t; i++) {
            next.put(caches[i], pos[i] + 1);
        }
        for (var e : next.entrySet()) {
            e.getKey().setLength(e.getValue());
        }
        addNormRound(x, proj, xb, w.outputNorm(), t, dim, null, null);
        StepPhases.end(Phase.OUT_NORM);
        int outRows = 0;
        for (boolean b : wantLogits) {
            outRows += b ? 1 : 0;
        }
        float[] logits = new float[outRows * c.vocabSize()];
        if (outRows > 0) {
            float[] sel = new float[outRows * dim];
            int r = 0;
            for (int i = 0; i < t; i++) {
                if (wantLogits[i]) {
                    System.arraycopy(xb, i * dim, sel, r++ * dim, dim);
                }
            }
            StepPhases.end(Phase.OUT_NORM);
            matmul(w.output(), sel, outRows, logits, c.vocabSize(), Phase.ROUND_OUT);
            StepPhases.end(Phase.OUTPUT);
        }
        return new Output(logits, outRows, wantHidden ? xb : null);
    }

    /**
     * The rounding type when {@link #roundActivations} asks to round and every matrix rounds its input the same way
     * (so one rounded copy serves them all, made by a fused pass); null when there is nothing to round or the old
     * per-matrix path should run.
     */
    private QuantType fusedRoundType(QuantizedMatrix[] ms) {
        if (!roundActivations || !fused()) {
            return null;
        }
        QuantType type = ms[0].type();
        for (QuantizedMatrix m : ms) {
            if (m.type() != type) {
                return null;
            }
        }
        return type == QuantType.F32 ? null : type;
    }

    /**
     * One parallel pass over rows: x_i += add_i (when add is not null), xb_i = rmsNorm(x_i) * weight, and, when
     * roundType is not null, xr_i = xb_i rounded for a product with a weight of that type.
     */
    private void addNormRound(float[] x, float[] add, float[] xb, float[] weight, int t, int dim, QuantType roundType, float[] xr) {
        ComputePool.RangeTask rows = (s, e) -> {
            for (int i = s; i < e; i++) {
                int o = i * dim;
                if (add != null) {
                    for (int j = 0; j < dim; j++) {
                        x[o + j] += add[o + j];
                    }
                }
                rmsNorm(x, o, xb, o, weight, dim);
                if (roundType != null) {
                    ActivationRounding.roundRow(roundType, xb, o, xr, o, dim);
                }
            }
        };
        if (fused()) {
            pool.parallelFor(t, 1, rows);
        } else { // the path before batch variant 2: residual and norm on this thread
            rows.run(0, t);
        }
    }

    /**
     * Whether the fused, vectorized steps between products run (batch variant 2, the default; {@link MatMul#setBatchVariant}
     * selects 1 to compare with the separate passes before them within one run).
     */
    private static boolean fused() {
        return MatMul.currentBatchVariant() >= 2;
    }

    /**
     * gate = silu(gate) * up, and, when roundType is not null, xr = gate rounded for the down product: one parallel
     * pass over pieces of rows (pieces of whole 256-float blocks, so rounding blocks never straddle two pieces).
     */
    private void siluRound(float[] gate, float[] up, int t, int ffn, QuantType roundType, float[] xr) {
        if (!fused()) { // the path before batch variant 2
            pool.parallelFor(t * ffn, 4096, (s, e) -> {
                for (int i = s; i < e; i++) {
                    float g = gate[i];
                    gate[i] = g / (1f + StableMath.exp(-g)) * up[i];
                }
            });
            return;
        }
        int piece = ffn % 256 == 0 ? Math.min(ffn, 2048) : ffn;
        int parts = (ffn + piece - 1) / piece;
        pool.parallelFor(t * parts, 1, (s, e) -> {
            for (int u = s; u < e; u++) {
                int start = (u / parts) * ffn + (u % parts) * piece;
                int len = Math.min(piece, ffn - (u % parts) * piece);
                if (VECTOR_STEPS) {
                    VectorRounding.silu(gate, up, start, len);
                } else {
                    for (int i = start; i < start + len; i++) {
                        float g = gate[i];
                        gate[i] = g / (1f + StableMath.exp(-g)) * up[i];
                    }
                }
                if (roundType != null) {
                    ActivationRounding.roundRow(roundType, gate, start, xr, start, len);
                }
            }
        });
    }

    /** Products of several matrices with the same input (rounded once per weight type), in one parallel loop. */
    private void matmulMany(QuantizedMatrix[] ms, float[] in, int n, float[][] outs, Phase roundPhase) {
        float[][] xs = new float[ms.length][];
        for (int i = 0; i < ms.length; i++) {
            xs[i] = in;
            if (roundActivations && ms[i].type() != QuantType.F32) {
                for (int j = 0; j < i; j++) {
                    if (ms[j].type() == ms[i].type()) {
                        xs[i] = xs[j];
                    }
                }
                if (xs[i] == in) {
                    xs[i] = rounded(ms[i], in, n);
                }
            }
        }
        StepPhases.end(roundPhase);
        MatMul.matmulMany(pool, ms, xs, n, outs);
    }

    private float[] rounded(QuantizedMatrix m, float[] in, int n) {
        float[] r = java.util.Arrays.copyOf(in, n * m.cols());
        int cols = m.cols();
        // split from about 8192 floats per chunk: 8 rows of 2048 take ~26 us and of 8192 ~95 us on one thread (Q8_0
        // rounding; ~2.8 ms per 8-stream decode step, about 2.5% of it, left to one of two threads when the grain was
        // 65536 floats); one row (single-stream decode) stays on this thread
        pool.parallelFor(n, Math.max(1, 8192 / cols), (s, e) -> {
            for (int row = s; row < e; row++) {
                ActivationRounding.round(m.type(), r, row * cols, 1, cols);
            }
        });
        return r;
    }

    private void matmul(QuantizedMatrix m, float[] in, int n, float[] out, int outStride, Phase roundPhase) {
        float[] x = in;
        if (roundActivations && m.type() != QuantType.F32) {
            x = rounded(m, in, n);
        }
        StepPhases.end(roundPhase);
        MatMul.matmul(pool, m, x, n, out, 0, outStride);
    }

    /** One head of one entry: softmax(q k^T / sqrt(headDim)) v over positions 0..pos of the cache. */
    private void attention(KvCache cache, int layer, int pos, float[] q, int qOff, int head, float[] out) {
        int hd = c.headDim();
        int kvDim = c.kvDim();
        int kvHead = head / (c.heads() / c.kvHeads());
        float[] keys = cache.keys[layer];
        float[] values = cache.values[layer];
        float[] scores = SCORES.get();
        if (scores.length < pos + 1) {
            scores = new float[Math.max(pos + 1, scores.length * 2)];
            SCORES.set(scores);
        }
        int qo = qOff + head * hd;
        float scale = (float) (1.0 / Math.sqrt(hd));
        float max = Float.NEGATIVE_INFINITY;
        for (int p = 0; p <= pos; p++) {
            float s = Kernels.dot(q, qo, keys, p * kvDim + kvHead * hd, hd) * scale;
            scores[p] = s;
            max = Math.max(max, s);
        }
        float sum = expShifted(scores, pos + 1, max);
        int oo = qOff + head * hd;
        java.util.Arrays.fill(out, oo, oo + hd, 0f);
        float inv = 1f / sum;
        for (int p = 0; p <= pos; p++) {
            Kernels.axpy(scores[p] * inv, values, p * kvDim + kvHead * hd, out, oo, hd);
        }
    }

    /** Replaces scores[0..n) by exp(score - max) and returns their sum: the softmax numerators of attention. */
    private static float expShifted(float[] scores, int n, float max) {
        if (VECTOR_STEPS && fused()) { // the same floats (VectorRoundingTest), summed in the same order below
            VectorRounding.expShifted(scores, n, max);
            float sum = 0;
            for (int p = 0; p < n; p++) {
                sum += scores[p];
            }
            return sum;
        }
        float sum = 0;
        for (int p = 0; p < n; p++) {
            float e = StableMath.exp(scores[p] - max);
            scores[p] = e;
            sum += e;
        }
        return sum;
    }

    /**
     * {@link #attention} on an F16 cache, as llama.cpp computes it (no flash attention): the query is rounded to F16
     * for the products with the keys, and the softmax weights are rounded to F16 for the sum over the values
     * (ggml converts a matrix product's float operand to the F16 weight's type); products are summed in float.
     */
    private void attention16(KvCache cache, int layer, int pos, float[] q, int qOff, int head, float[] out) {
        int hd = c.headDim();
        int kvDim = c.kvDim();
        int kvHead = head / (c.heads() / c.kvHeads());
        short[] keys = cache.keys16[layer];
        short[] values = cache.values16[layer];
        float[] scores = SCORES.get();
        if (scores.length < pos + 1 + 2 * hd) {
            scores = new float[Math.max(pos + 1 + 2 * hd, scores.length * 2)];
            SCORES.set(scores);
        }
        int qh = pos + 1; // the rounded query lives after the scores, then one key row widened to float
        int kt = qh + hd;
        int qo = qOff + head * hd;
        for (int i = 0; i < hd; i++) {
            scores[qh + i] = Float.float16ToFloat(Float.floatToFloat16(q[qo + i]));
        }
        float scale = (float) (1.0 / Math.sqrt(hd));
        float max = Float.NEGATIVE_INFINITY;
        for (int p = 0; p <= pos; p++) {
            int ko = p * kvDim + kvHead * hd;
            for (int i = 0; i < hd; i++) { // a plain loop C2 vectorizes (F16C), then the vector dot product
                scores[kt + i] = Float.float16ToFloat(keys[ko + i]);
            }
            float s = Kernels.dot(scores, qh, scores, kt, hd) * scale;
            scores[p] = s;
            max = Math.max(max, s);
        }
        float sum = expShifted(scores, pos + 1, max);
        int oo = qOff + head * hd;
        java.util.Arrays.fill(out, oo, oo + hd, 0f);
        float inv = 1f / sum;
        for (int p = 0; p <= pos; p++) {
            float wgt = Float.float16ToFloat(Float.floatToFloat16(scores[p] * inv));
            int vo = p * kvDim + kvHead * hd;
            for (int i = 0; i < hd; i++) {
                out[oo + i] += wgt * Float.float16ToFloat(values[vo + i]);
            }
        }
    }

    private void rope(float[] vec, int off, float[] cos, float[] sin) {
        int half = cos.length;
        if (c.ropeStyle() == RopeStyle.NORMAL) {
            for (int j = 0; j < half; j++) {
                float x0 = vec[off + 2 * j];
                float x1 = vec[off + 2 * j + 1];
                vec[off + 2 * j] = x0 * cos[j] - x1 * sin[j];
                vec[off + 2 * j + 1] = x0 * sin[j] + x1 * cos[j];
            }
        } else {
            for (int j = 0; j < half; j++) {
                float x0 = vec[off + j];
                float x1 = vec[off + j + half];
                vec[off + j] = x0 * cos[j] - x1 * sin[j];
                vec[off + j + half] = x0 * sin[j] + x1 * cos[j];
            }
        }
    }

    private void rmsNorm(float[] in, int inOff, float[] out, int outOff, float[] weight, int n) {
        double ss = 0;
        for (int i = 0; i < n; i++) {
            float v = in[inOff + i];
            ss += v * v;
        }
        float scale = (float) (1.0 / Math.sqrt(ss / n + c.rmsEps()));
        for (int i = 0; i < n; i++) {
            out[outOff + i] = in[inOff + i] * scale * weight[i];
        }
    }

    private static void addInPlace(float[] a, int aOff, float[] b, int n) {
        for (int i = 0; i < n; i++) {
            a[aOff + i] += b[i];
        }
    }
}
