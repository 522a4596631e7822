package dev.starling.llm.model;

import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.gguf.GgufTensorInfo;
import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.tensor.Kernels;
import dev.starling.llm.tensor.MatMul;
import dev.starling.llm.tensor.QuantType;
import dev.starling.llm.tensor.QuantizedMatrix;
import dev.starling.llm.tensor.StableMath;
import java.io.IOException;
import java.util.Arrays;

/**
 * The forward pass of a BERT-style encoder as llama.cpp computes it: token + type-0 + position
 * embeddings, LayerNorm; per layer bidirectional attention with biases, residual, LayerNorm, GELU
 * feed-forward with biases, residual, LayerNorm; then mean or [CLS] pooling. Weights stay in the
 * mapped file. GELU follows ggml's CPU kernel (tanh form, looked up through half precision).
 */
public final class BertEncoder {
    private record Layer(QuantizedMatrix wq, float[] bq, QuantizedMatrix wk, float[] bk, QuantizedMatrix wv, float[] bv,
                         QuantizedMatrix wo, float[] bo, float[] attnNormW, float[] attnNormB,
                         QuantizedMatrix up, float[] upB, QuantizedMatrix down, float[] downB, float[] outNormW, float[] outNormB) {
    }

    private final BertConfig c;
    private final ComputePool pool;
    private final QuantizedMatrix tokenEmbd;   // [vocab][dim]
    private final QuantizedMatrix typeEmbd;    // [types][dim]
    private final QuantizedMatrix positionEmbd; // [context][dim]
    private final float[] embNormW;
    private final float[] embNormB;
    private final Layer[] layers;

    public BertEncoder(GgufFile f, BertConfig c, ComputePool pool) throws IOException {
        this.c = c;
        this.pool = pool;
        int d = c.dim();
        tokenEmbd = matrix(f, "token_embd.weight", c.vocabSize(), d);
        GgufTensorInfo types = f.tensor("token_types.weight");
        typeEmbd = types == null ? null : matrix(f, "token_types.weight", (int) types.dim(1), d);
        positionEmbd = matrix(f, "position_embd.weight", c.contextLength(), d);
        embNormW = vector(f, "token_embd_norm.weight", d);
        embNormB = vector(f, "token_embd_norm.bias", d);
        layers = new Layer[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            String b = "blk." + i + ".";
            layers[i] = new Layer(matrix(f, b + "attn_q.weight", d, d), vector(f, b + "attn_q.bias", d),
                    matrix(f, b + "attn_k.weight", d, d), vector(f, b + "attn_k.bias", d),
                    matrix(f, b + "attn_v.weight", d, d), vector(f, b + "attn_v.bias", d),
                    matrix(f, b + "attn_output.weight", d, d), vector(f, b + "attn_output.bias", d),
                    vector(f, b + "attn_output_norm.weight", d), vector(f, b + "attn_output_norm.bias", d),
                    matrix(f, b + "ffn_up.weight", c.ffnDim(), d), vector(f, b + "ffn_up.bias", c.ffnDim()),
                    matrix(f, b + "ffn_down.weight", d, c.ffnDim()), vector(f, b + "ffn_down.bias", d),
                    vector(f, b + "layer_output_norm.weight", d), vector(f, b + "layer_output_norm.bias", d));
        }
    }

    public BertConfig config() {
        return c;
    }

    /** The pooled (not normalized) output for one sequence of token ids. */
    public float[] pooled(int[] ids) {
        int t = ids.length;
        int d = c.dim();
        if (t == 0) {
            throw new IllegalArgumentException("cannot encode zero tokens");
        }
        if (t > c.contextLength()) {
            throw new ContextOverflowException(c.contextLength(), t);
        }
        float[] x = new float[t * d];
        float[] row = new float[d];
        for (int i = 0; i < t; i++) {
            if (ids[i] < 0 || ids[i] >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + ids[i] + " outside the vocabulary of " + c.vocabSize());
            }
            tokenEmbd.dequantizeRow(ids[i], x, i * d);
            if (typeEmbd != null) {
                typeEmbd.dequantizeRow(0, row, 0);
                add(x, i * d, row, 0, d);
            }
            positionEmbd.dequantizeRow(i, row, 0);
            add(x, i * d, row, 0, d);
            layerNorm(x, i * d, embNormW, embNormB, d);
        }
        float[] q = new float[t * d];
        float[] k = new float[t * d];
        float[] v = new float[t * d];
        float[] att = new float[t * d];
        float[] proj = new float[t * d];
        float[] hidden = new float[t * c.ffnDim()];
        int hd = c.headDim();
        float scale = (float) (1.0 / Math.sqrt(hd));
        for (Layer l : layers) {
            linear(l.wq(), l.bq(), x, t, q);
            linear(l.wk(), l.bk(), x, t, k);
            linear(l.wv(), l.bv(), x, t, v);
            pool.parallelFor(t * c.heads(), 1, (s, e) -> {
                float[] scores = new float[t];
                for (int job = s; job < e; job++) {
                    int i = job / c.heads();
                    int h = job % c.heads();
                    float max = Float.NEGATIVE_INFINITY;
                    for (int p = 0; p < t; p++) {
                        scores[p] = Kernels.dot(q, i * d + h * hd, k, p * d + h * hd, hd) * scale;
                        max = Math.max(max, scores[p]);
                    }
                    float sum = 0;
                    for (int p = 0; p < t; p++) {
                        scores[p] = StableMath.exp(scores[p] - max);
                        sum += scores[p];
                    }
                    Arrays.fill(att, i * d + h * hd, i * d + h * hd + hd, 0f);
                    for (int p = 0; p < t; p++) {
                        Kernels.axpy(scores[p] / sum, v, p * d + h * hd, att, i * d + h * hd, hd);
                    }
                }
            });
            linear(l.wo(), l.bo(), att, t, proj);
            add(x, 0, proj, 0, t * d);
            for (int i = 0; i < t; i++) {
                layerNorm(x, i * d, l.attnNormW(), l.attnNormB(), d);
            }
            linear(l.up(), l.upB(), x, t, hidden);
            pool.parallelFor(hidden.length, 4096, (s, e) -> {
                for (int i = s; i < e; i++) {
                    hidden[i] = geluLikeGgml(hidden[i]);
                }
            });
            linear(l.down(), l.downB(), hidden, t, proj);
            add(x, 0, proj, 0, t * d);
            for (int i = 0; i < t; i++) {
                layerNorm(x, i * d, l.outNormW(), l.outNormB(), d);
            }
        }
        float[] out = new float[d];
        if (c.pooling() == BertConfig.POOLING_CLS) {
            System.arraycopy(x, 0, out, 0, d);
        } else {
            for (int i = 0; i < t; i++) {
                add(out, 0, x, i * d, d);
            }
            for (int j = 0; j < d; j++) {
                out[j] /= t;
            }
        }
        return out;
    }

    /** ggml's CPU GELU: tanh approximation evaluated at the half-precision input, result in half precision. */
    static float geluLikeGgml(float x) {
        if (x <= -10f) {
            return 0f;
        }
        if (x >= 10f) {
            return x;
        }
        float h = Float.float16ToFloat(Float.floatToFloat16(x));
        double g = 0.5 * h * (1.0 + Math.tanh(0.7978845608028654 * h * (1.0 + 0.044715 * h * h)));
        return Float.float16ToFloat(Float.floatToFloat16((float) g));
    }

    private void linear(QuantizedMatrix w, float[] bias, float[] in, int t, float[] out) {
        float[] x = in;
        if (w.type() != QuantType.F32) {
            x = Arrays.copyOf(in, t * w.cols());
            dev.starling.llm.tensor.ActivationRounding.round(w.type(), x, t, w.cols());
        }
        MatMul.matmul(pool, w, x, t, out, 0, w.rows());
        for (int i = 0; i < t; i++) {
            add(out, i * w.rows(), bias, 0, w.rows());
        }
    }

    private void layerNorm(float[] x, int off, float[] w, float[] b, int n) {
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += x[off + i];
        }
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++) {
            double dv = x[off + i] - mean;
            var += dv * dv;
        }
        var /= n;
        float inv = (float) (1.0 / Math.sqrt(var + c.layerNormEps()));
        for (int i = 0; i < n; i++) {
            x[off + i] = (float) ((x[off + i] - mean) * inv) * w[i] + b[i];
        }
    }

    private static void add(float[] a, int aOff, float[] b, int bOff, int n) {
        for (int i = 0; i < n; i++) {
            a[aOff + i] += b[bOff + i];
        }
    }

    private static QuantizedMatrix matrix(GgufFile f, String name, int rows, int cols) throws IOException {
        GgufTensorInfo t = f.tensor(name);
        if (t == null) {
            throw new UnsupportedModelException(f.path() + ": missing tensor " + name);
        }
        if (t.dimCount() != 2 || t.dim(0) != cols || t.dim(1) < rows) {
            throw new UnsupportedModelException(f.path() + ": tensor " + name + " has dims " + Arrays.toString(t.dims())
                    + ", expected [" + cols + ", " + rows + "]");
        }
        QuantType q = QuantType.byName(t.type().name());
        if (q == null) {
            throw new UnsupportedModelException(f.path() + ": tensor " + name + " has type " + t.type() + ", which is not supported");
        }
        return new QuantizedMatrix(name, q, f.tensorData(t), (int) t.dim(1), cols);
    }

    private static float[] vector(GgufFile f, String name, int n) throws IOException {
        GgufTensorInfo t = f.tensor(name);
        if (t == null) {
            throw new UnsupportedModelException(f.path() + ": missing tensor " + name);
        }
        if (t.elementCount() != n) {
            throw new UnsupportedModelException(f.path() + ": tensor " + name + " has " + t.elementCount() + " elements, expected " + n);
        }
        QuantType q = QuantType.byName(t.type().name());
        if (q == null) {
            throw new UnsupportedModelException(f.path() + ": tensor " + name + " has type " + t.type() + ", which is not supported");
        }
        float[] out = new float[n];
        Kernels.dequantizeRow(q, f.tensorData(t), 0, out, 0, n);
        return out;
    }
}
