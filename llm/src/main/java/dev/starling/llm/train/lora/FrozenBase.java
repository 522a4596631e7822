package dev.starling.llm.train.lora;

import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.model.ModelConfig;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The frozen base of a LoRA fine-tune: a Llama-family GGUF (llama, mistral, qwen2, qwen3) mapped from disk with its
 * matrices left in their type (F32/F16/BF16/Q8_0/Q4_0/Q4_K/Q6_K, see {@link FrozenMatrix}). Norm gains, Q/K/V biases
 * (qwen2), Q/K norm gains (qwen3) and Llama 3's rope frequency factors ({@code rope_freqs.weight}), which are small
 * vectors, are held as F32. Partial rotary embeddings (rope dimension count below the head size) are rejected
 * naming the file. Close it to unmap the file.
 */
public final class FrozenBase implements AutoCloseable {
    private final GgufFile gguf;
    private final ModelConfig config;
    private final FrozenMatrix tokenEmbedding;
    private final FrozenMatrix output; // the embedding itself when tied
    private final float[] outputNorm;
    private final Layer[] layers;
    private final float[] ropeFactors; // [ropeDims/2] or null

    /** One block's frozen weights; biases and the per-head Q/K norm gains [headDim] null when the model has none. */
    public record Layer(float[] attnNorm, FrozenMatrix[] proj, float[] qBias, float[] kBias, float[] vBias,
            float[] qNorm, float[] kNorm, float[] ffnNorm) {
        /** The projection adapted by {@code t}. */
        public FrozenMatrix weight(LoraTarget t) {
            return proj[t.ordinal()];
        }
    }

    private FrozenBase(GgufFile gguf) throws IOException {
        this.gguf = gguf;
        ModelConfig c = ModelConfig.from(gguf);
        if (c.ropeDims() != c.headDim()) {
            throw new IllegalArgumentException(gguf.path() + ": architecture " + c.architecture()
                    + " rotates " + c.ropeDims() + " of " + c.headDim()
                    + " head dimensions; partial rotary embeddings are not supported for LoRA");
        }
        this.config = c;
        this.ropeFactors = optional("rope_freqs.weight", c.ropeDims() / 2);
        this.tokenEmbedding = FrozenMatrix.of(gguf, "token_embd.weight");
        this.output = gguf.tensor("output.weight") != null ? FrozenMatrix.of(gguf, "output.weight") : tokenEmbedding;
        this.outputNorm = FrozenMatrix.of(gguf, "output_norm.weight").toFloats();
        this.layers = new Layer[c.layers()];
        for (int l = 0; l < c.layers(); l++) {
            String b = "blk." + l + ".";
            FrozenMatrix[] proj = new FrozenMatrix[LoraTarget.values().length];
            for (LoraTarget t : LoraTarget.values()) {
                proj[t.ordinal()] = FrozenMatrix.of(gguf, t.baseTensorName(l));
                if (proj[t.ordinal()].rows() != t.outDim(c) || proj[t.ordinal()].cols() != t.inDim(c)) {
                    throw new IllegalArgumentException(gguf.path() + ": tensor " + t.baseTensorName(l) + " is "
                            + proj[t.ordinal()].rows() + "x" + proj[t.ordinal()].cols() + ", the config needs "
                            + t.outDim(c) + "x" + t.inDim(c));
                }
            }
            layers[l] = new Layer(vector(b + "attn_norm.weight", c.dim()), proj, optional(b + "attn_q.bias", c.qDim()),
                    optional(b + "attn_k.bias", c.kvDim()), optional(b + "attn_v.bias", c.kvDim()),
                    c.qkNorm() ? vector(b + "attn_q_norm.weight", c.headDim()) : null,
                    c.qkNorm() ? vector(b + "attn_k_norm.weight", c.headDim()) : null,
                    vector(b + "ffn_norm.weight", c.dim()));
        }
    }

    /** Maps and checks the model at {@code path}. */
    public static FrozenBase open(Path path) throws IOException {
        GgufFile g = GgufFile.open(path);
        try {
            return new FrozenBase(g);
        } catch (IOException | RuntimeException e) {
            g.close();
            throw e;
        }
    }

    private float[] vector(String name, int length) {
        float[] v = FrozenMatrix.of(gguf, name).toFloats();
        if (v.length != length) {
            throw new IllegalArgumentException(gguf.path() + ": tensor " + name + " has " + v.length
                    + " values, expected " + length);
        }
        return v;
    }

    private float[] optional(String name, int length) {
        return gguf.tensor(name) == null ? null : vector(name, length);
    }

    public GgufFile gguf() {
        return gguf;
    }

    public ModelConfig config() {
        return config;
    }

    public FrozenMatrix tokenEmbedding() {
        return tokenEmbedding;
    }

    public FrozenMatrix output() {
        return output;
    }

    public float[] outputNorm() {
        return outputNorm;
    }

    /** Llama 3's rope frequency divisors [ropeDims/2], or null when the model has none. */
    public float[] ropeFactors() {
        return ropeFactors;
    }

    public Layer layer(int l) {
        return layers[l];
    }

    @Override
    public void close() {
        gguf.close();
    }
}
