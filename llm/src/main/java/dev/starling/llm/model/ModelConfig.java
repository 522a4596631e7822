package dev.starling.llm.model;

import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.gguf.GgufMetadata;
import dev.starling.llm.gguf.GgufTensorInfo;
import java.io.IOException;
import java.util.Set;

/**
 * Shape and per-family switches of a Llama-family decoder, read from GGUF metadata
 * ({@code general.architecture} and the {@code <arch>.*} keys). One forward pass serves every
 * family through these fields.
 *
 * @param headDim      per-head size of q and k ({@code <arch>.attention.key_length}, default dim / heads)
 * @param ropeDims     dimensions of a head that are rotated ({@code <arch>.rope.dimension_count}, default headDim)
 * @param ropeFreqScale 1 / linear scaling factor (1 when none)
 * @param qkNorm       per-head RMSNorm of q and k before RoPE (qwen3)
 */
public record ModelConfig(
        String architecture,
        int dim,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int ffnDim,
        int vocabSize,
        int contextLength,
        float rmsEps,
        float ropeTheta,
        int ropeDims,
        float ropeFreqScale,
        RopeStyle ropeStyle,
        boolean qkNorm) {

    /** Architectures this engine runs. */
    public static final Set<String> ARCHITECTURES = Set.of("llama", "mistral", "qwen2", "qwen3");
    /** Upper limits that keep a malformed header from asking for absurd buffers. */
    static final int MAX_DIM = 1 << 16;
    static final int MAX_LAYERS = 1024;
    static final int MAX_VOCAB = 1 << 22;

    public ModelConfig {
        check(dim > 0 && dim <= MAX_DIM, "embedding_length " + dim + " out of range 1.." + MAX_DIM);
        check(layers > 0 && layers <= MAX_LAYERS, "block_count " + layers + " out of range 1.." + MAX_LAYERS);
        check(heads > 0 && kvHeads > 0 && heads % kvHeads == 0, "head_count " + heads + " must be a positive multiple of head_count_kv " + kvHeads);
        check(headDim > 0 && headDim % 2 == 0 && (long) headDim * heads <= 4L * MAX_DIM, "head size " + headDim + " invalid");
        check(ropeDims > 0 && ropeDims <= headDim && ropeDims % 2 == 0, "rope dimension_count " + ropeDims + " invalid for head size " + headDim);
        check(ffnDim > 0 && ffnDim <= 16 * MAX_DIM, "feed_forward_length " + ffnDim + " invalid");
        check(vocabSize > 0 && vocabSize <= MAX_VOCAB, "vocabulary size " + vocabSize + " invalid");
        check(contextLength > 0, "context_length " + contextLength + " invalid");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("model config: " + message);
        }
    }

    public int qDim() {
        return heads * headDim;
    }

    public int kvDim() {
        return kvHeads * headDim;
    }

    /** Reads the configuration; names the architecture or key when the file cannot be run. */
    public static ModelConfig from(GgufFile gguf) throws IOException {
        GgufMetadata m = gguf.metadata();
        String arch = m.getString("general.architecture", null);
        if (arch == null) {
            throw new UnsupportedModelException(gguf.path() + ": no general.architecture in the metadata");
        }
        if (!ARCHITECTURES.contains(arch)) {
            throw new UnsupportedModelException(gguf.path() + ": architecture '" + arch + "' is not supported (supported: "
                    + String.join(", ", ARCHITECTURES.stream().sorted().toList()) + ")");
        }
        String p = arch + ".";
        int dim = m.getInt(p + "embedding_length");
        int heads = m.getInt(p + "attention.head_count");
        int kvHeads = m.getInt(p + "attention.head_count_kv", heads);
        int headDim = m.getInt(p + "attention.key_length", heads > 0 ? dim / heads : 0);
        int valueDim = m.getInt(p + "attention.value_length", headDim);
        if (valueDim != headDim) {
            throw new UnsupportedModelException(gguf.path() + ": value_length " + valueDim + " != key_length " + headDim + " is not supported");
        }
        GgufTensorInfo embd = gguf.tensor("token_embd.weight");
        if (embd == null) {
            throw new UnsupportedModelException(gguf.path() + ": missing tensor token_embd.weight");
        }
        long vocab = embd.dimCount() >= 2 ? embd.dim(1) : 0;
        String scalingType = m.getString(p + "rope.scaling.type", "none");
        float freqScale = 1f;
        if ("linear".equals(scalingType)) {
            float factor = m.getFloat(p + "rope.scaling.factor", 1f);
            freqScale = factor > 0 ? 1f / factor : 1f;
        } else if (!"none".equals(scalingType) && !"llama3".equals(scalingType)) {
            // llama3 scaling arrives as the rope_freqs.weight tensor, handled by the weights
            throw new UnsupportedModelException(gguf.path() + ": rope scaling type '" + scalingType + "' is not supported");
        }
        RopeStyle style = arch.startsWith("qwen") ? RopeStyle.NEOX : RopeStyle.NORMAL;
        boolean qkNorm = gguf.tensor("blk.0.attn_q_norm.weight") != null;
        try {
            return new ModelConfig(arch, dim, m.getInt(p + "block_count"), heads, kvHeads, headDim,
                    m.getInt(p + "feed_forward_length"), (int) Math.min(vocab, Integer.MAX_VALUE),
                    m.getInt(p + "context_length", 2048),
                    m.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-5f),
                    m.getFloat(p + "rope.freq_base", 10000f),
                    m.getInt(p + "rope.dimension_count", headDim),
                    freqScale, style, qkNorm);
        } catch (IllegalArgumentException e) {
            throw new UnsupportedModelException(gguf.path() + ": " + e.getMessage());
        }
    }
}
