package dev.starling.llm.model;

import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.gguf.GgufMetadata;
import java.io.IOException;

/**
 * A BERT-style encoder (GGUF architecture {@code bert}, as llama.cpp reads it): learned absolute
 * positions, post-LayerNorm blocks, GELU feed-forward, bidirectional attention, pooled output.
 *
 * @param pooling 1 = mean over tokens, 2 = the first ([CLS]) token ({@code bert.pooling_type}, default mean)
 */
public record BertConfig(int dim, int layers, int heads, int ffnDim, int vocabSize, int contextLength, float layerNormEps,
                         int pooling) {
    public static final int POOLING_MEAN = 1;
    public static final int POOLING_CLS = 2;

    public BertConfig {
        if (dim <= 0 || dim > ModelConfig.MAX_DIM || layers <= 0 || layers > ModelConfig.MAX_LAYERS || heads <= 0 || dim % heads != 0
                || ffnDim <= 0 || vocabSize <= 0 || vocabSize > ModelConfig.MAX_VOCAB || contextLength <= 0) {
            throw new IllegalArgumentException("bert config out of range: dim " + dim + ", layers " + layers + ", heads " + heads
                    + ", ffn " + ffnDim + ", vocab " + vocabSize + ", context " + contextLength);
        }
        if (pooling != POOLING_MEAN && pooling != POOLING_CLS) {
            throw new IllegalArgumentException("bert.pooling_type " + pooling + " is not supported (1 = mean, 2 = cls)");
        }
    }

    public int headDim() {
        return dim / heads;
    }

    public static BertConfig from(GgufFile gguf) throws IOException {
        GgufMetadata m = gguf.metadata();
        String arch = m.getString("general.architecture", "");
        if (!"bert".equals(arch)) {
            throw new UnsupportedModelException(gguf.path() + ": architecture '" + arch + "' is not a BERT encoder");
        }
        var embd = gguf.tensor("token_embd.weight");
        if (embd == null || embd.dimCount() != 2) {
            throw new UnsupportedModelException(gguf.path() + ": missing or malformed tensor token_embd.weight");
        }
        try {
            return new BertConfig(m.getInt("bert.embedding_length"), m.getInt("bert.block_count"), m.getInt("bert.attention.head_count"),
                    m.getInt("bert.feed_forward_length"), (int) embd.dim(1), m.getInt("bert.context_length", 512),
                    m.getFloat("bert.attention.layer_norm_epsilon", 1e-12f), m.getInt("bert.pooling_type", POOLING_MEAN));
        } catch (IllegalArgumentException e) {
            throw new UnsupportedModelException(gguf.path() + ": " + e.getMessage());
        }
    }
}
