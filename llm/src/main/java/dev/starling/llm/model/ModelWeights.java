package dev.starling.llm.model;

import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.gguf.GgufTensorInfo;
import dev.starling.llm.tensor.Kernels;
import dev.starling.llm.tensor.QuantType;
import dev.starling.llm.tensor.QuantizedMatrix;
import java.io.IOException;
import java.util.Arrays;

/**
 * All weights of a decoder, taken straight from the mapped GGUF (no copy of the matrices).
 * A missing {@code output.weight} means tied embeddings: the output projection is token_embd.
 */
public record ModelWeights(
        QuantizedMatrix tokenEmbedding, // [vocab][dim]
        LayerWeights[] layers,
        float[] outputNorm,             // [dim]
        QuantizedMatrix output,         // [vocab][dim]
        float[] ropeFreqFactors) {      // [ropeDims/2] or null (llama3 rope scaling)

    public static ModelWeights load(GgufFile gguf, ModelConfig c) throws IOException {
        Loader l = new Loader(gguf);
        QuantizedMatrix embd = l.matrix("token_embd.weight", c.vocabSize(), c.dim());
        LayerWeights[] layers = new LayerWeights[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            String b = "blk." + i + ".";
            layers[i] = new LayerWeights(
                    l.vector(b + "attn_norm.weight", c.dim(), true),
                    l.matrix(b + "attn_q.weight", c.qDim(), c.dim()),
                    l.matrix(b + "attn_k.weight", c.kvDim(), c.dim()),
                    l.matrix(b + "attn_v.weight", c.kvDim(), c.dim()),
                    l.matrix(b + "attn_output.weight", c.dim(), c.qDim()),
                    l.vector(b + "attn_q.bias", c.qDim(), false),
                    l.vector(b + "attn_k.bias", c.kvDim(), false),
                    l.vector(b + "attn_v.bias", c.kvDim(), false),
                    l.vector(b + "attn_q_norm.weight", c.headDim(), c.qkNorm()),
                    l.vector(b + "attn_k_norm.weight", c.headDim(), c.qkNorm()),
                    l.vector(b + "ffn_norm.weight", c.dim(), true),
                    l.matrix(b + "ffn_gate.weight", c.ffnDim(), c.dim()),
                    l.matrix(b + "ffn_up.weight", c.ffnDim(), c.dim()),
                    l.matrix(b + "ffn_down.weight", c.dim(), c.ffnDim()));
        }
        float[] outNorm = l.vector("output_norm.weight", c.dim(), true);
        QuantizedMatrix output = gguf.tensor("output.weight") != null ? l.matrix("output.weight", c.vocabSize(), c.dim()) : embd;
        float[] freqs = l.vector("rope_freqs.weight", c.ropeDims() / 2, false);
        return new ModelWeights(embd, layers, outNorm, output, freqs);
    }

    /** Bytes of weights read per decoded token (every matrix once, plus the output projection). */
    public long matrixBytes() {
        long sum = output.sizeBytes();
        for (LayerWeights w : layers) {
            sum += w.wq().sizeBytes() + w.wk().sizeBytes() + w.wv().sizeBytes() + w.wo().sizeBytes()
                    + w.wGate().sizeBytes() + w.wUp().sizeBytes() + w.wDown().sizeBytes();
        }
        return sum;
    }

    private record Loader(GgufFile gguf) {
        QuantizedMatrix matrix(String name, int rows, int cols) throws IOException {
            GgufTensorInfo t = require(name);
            long[] d = t.dims();
            if (d.length != 2 || d[0] != cols || d[1] != rows) {
                throw new UnsupportedModelException(gguf.path() + ": tensor " + name + " has dims " + Arrays.toString(d)
                        + ", expected [" + cols + ", " + rows + "]");
            }
            return new QuantizedMatrix(name, type(t), gguf.tensorData(t), rows, cols);
        }

        float[] vector(String name, int n, boolean required) throws IOException {
            GgufTensorInfo t = gguf.tensor(name);
            if (t == null) {
                if (required) {
                    throw new UnsupportedModelException(gguf.path() + ": missing tensor " + name);
                }
                return null;
            }
            if (t.elementCount() != n) {
                throw new UnsupportedModelException(gguf.path() + ": tensor " + name + " has " + t.elementCount() + " elements, expected " + n);
            }
            QuantType type = type(t);
            float[] out = new float[n];
            Kernels.dequantizeRow(type, gguf.tensorData(t), 0, out, 0, n);
            return out;
        }

        GgufTensorInfo require(String name) throws IOException {
            GgufTensorInfo t = gguf.tensor(name);
            if (t == null) {
                throw new UnsupportedModelException(gguf.path() + ": missing tensor " + name);
            }
            return t;
        }

        QuantType type(GgufTensorInfo t) throws IOException {
            QuantType q = QuantType.byName(t.type().name());
            if (q == null) {
                throw new UnsupportedModelException(gguf.path() + ": tensor " + t.name() + " has type " + t.type()
                        + ", which is not supported (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K)");
            }
            return q;
        }
    }
}
