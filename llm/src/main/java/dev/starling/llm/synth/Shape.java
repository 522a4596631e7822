package dev.starling.llm.synth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The architecture and sizes of a model, as llama.cpp reads them from GGUF metadata: a decoder (llama, qwen2,
 * qwen3) or a BERT encoder (bert: learned positions, LayerNorm, biases everywhere, no rope and no output matrix).
 *
 * @param name            preset name, e.g. "llama-3.2-1b"
 * @param architecture    general.architecture: "llama", "qwen2", "qwen3" or "bert"
 * @param dim             embedding_length
 * @param layers          block_count
 * @param heads           attention.head_count
 * @param kvHeads         attention.head_count_kv
 * @param headDim         attention.key_length (= value_length); dim / heads for most models, 128 for Qwen3-0.6B
 * @param ffnDim          feed_forward_length
 * @param vocabSize       the model's embedding rows; 0 = as many as the vocabulary has. A smaller vocabulary is
 *                        padded with unused tokens, as llama.cpp's converter does
 * @param contextLength   context_length
 * @param ropeTheta       rope.freq_base (unused for bert)
 * @param rmsEps          attention.layer_norm_rms_epsilon (for bert: the LayerNorm attention.layer_norm_epsilon)
 * @param tiedEmbeddings  no output.weight: the output projection reuses token_embd.weight
 * @param qkvBias         attn_q/k/v.bias tensors (Qwen2)
 * @param qkNorm          attn_q_norm/attn_k_norm tensors (Qwen3)
 * @param llama3RopeFactor the Llama 3 rope scaling factor written as the rope_freqs.weight tensor (0 = none)
 */
public record Shape(String name, String architecture, int dim, int layers, int heads, int kvHeads, int headDim,
        int ffnDim, int vocabSize, int contextLength, float ropeTheta, float rmsEps, boolean tiedEmbeddings,
        boolean qkvBias, boolean qkNorm, float llama3RopeFactor) {

    public Shape {
        if (!List.of("llama", "qwen2", "qwen3", "bert").contains(architecture)) {
            throw new IllegalArgumentException("architecture " + architecture
                    + " (supported: llama, qwen2, qwen3, bert)");
        }
        if (architecture.equals("bert") && (kvHeads != heads || headDim * heads != dim)) {
            throw new IllegalArgumentException("bert shape " + name + " needs kvHeads = heads and headDim = dim/heads");
        }
        if (dim < 1 || layers < 1 || heads < 1 || kvHeads < 1 || heads % kvHeads != 0 || headDim < 2
                || headDim % 2 != 0 || ffnDim < 1 || vocabSize < 0 || contextLength < 1) {
            throw new IllegalArgumentException("shape " + name + " has invalid sizes");
        }
    }

    public static final Shape LLAMA_3_2_1B = new Shape("llama-3.2-1b", "llama", 2048, 16, 32, 8, 64, 8192, 128256,
            131072, 500000f, 1e-5f, true, false, false, 32f);
    public static final Shape QWEN_2_5_0_5B = new Shape("qwen2.5-0.5b", "qwen2", 896, 24, 14, 2, 64, 4864, 151936,
            32768, 1000000f, 1e-6f, true, true, false, 0f);
    public static final Shape QWEN_3_0_6B = new Shape("qwen3-0.6b", "qwen3", 1024, 28, 16, 8, 128, 3072, 151936,
            40960, 1000000f, 1e-6f, true, false, true, 0f);
    /** Llama 2 7B: its vocabulary is llama.cpp's ggml-vocab-llama-spm.gguf. */
    public static final Shape LLAMA_2_7B = new Shape("llama-2-7b", "llama", 4096, 32, 32, 32, 128, 11008, 32000,
            4096, 10000f, 1e-5f, false, false, false, 0f);
    /** Mistral 7B v0.1, which llama.cpp runs as architecture llama (grouped-query attention, untied output). */
    public static final Shape MISTRAL_7B = new Shape("mistral-7b-v0.1", "llama", 4096, 32, 32, 8, 128, 14336, 32000,
            32768, 10000f, 1e-5f, false, false, false, 0f);
    public static final Shape TINY_LLAMA = new Shape("tiny-llama", "llama", 64, 2, 4, 2, 16, 128, 0, 2048,
            10000f, 1e-5f, false, false, false, 0f);
    public static final Shape TINY_QWEN2 = new Shape("tiny-qwen2", "qwen2", 64, 2, 4, 2, 16, 128, 0, 2048,
            1000000f, 1e-6f, true, true, false, 0f);
    public static final Shape TINY_QWEN3 = new Shape("tiny-qwen3", "qwen3", 64, 2, 4, 2, 32, 128, 0, 2048,
            1000000f, 1e-6f, true, false, true, 0f);
    /** Rows of 256 so that every matrix can be Q4_K/Q6_K. */
    public static final Shape SMALL_LLAMA = new Shape("small-llama", "llama", 256, 4, 8, 4, 32, 768, 0, 4096,
            10000f, 1e-5f, false, false, false, 0f);

    /** BAAI/bge-small-en-v1.5 (the bert-bge vocabulary); 33.2M parameters without the unused pooler. */
    public static final Shape BGE_SMALL = new Shape("bge-small-en-v1.5", "bert", 384, 12, 12, 12, 32, 1536, 30522,
            512, 0f, 1e-12f, true, true, false, 0f);
    /** sentence-transformers/all-MiniLM-L6-v2 (the same BERT uncased vocabulary); 22.6M parameters. */
    public static final Shape MINILM_L6 = new Shape("all-minilm-l6-v2", "bert", 384, 6, 12, 12, 32, 1536, 30522,
            512, 0f, 1e-12f, true, true, false, 0f);
    public static final Shape TINY_BERT = new Shape("tiny-bert", "bert", 64, 2, 4, 4, 16, 128, 0, 128,
            0f, 1e-12f, true, true, false, 0f);

    private static final Map<String, Shape> PRESETS = new LinkedHashMap<>();

    static {
        for (Shape s : List.of(LLAMA_3_2_1B, QWEN_2_5_0_5B, QWEN_3_0_6B, LLAMA_2_7B, MISTRAL_7B, TINY_LLAMA, TINY_QWEN2, TINY_QWEN3,
                SMALL_LLAMA, BGE_SMALL, MINILM_L6, TINY_BERT)) {
            PRESETS.put(s.name(), s);
        }
    }

    /** The preset with this name; fails listing the known names. */
    public static Shape byName(String name) {
        Shape s = PRESETS.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown shape '" + name + "' (known: " + String.join(", ", names())
                    + ")");
        }
        return s;
    }

    public static List<String> names() {
        return List.copyOf(PRESETS.keySet());
    }

    /** A BERT-style encoder (bidirectional attention, pooled embeddings) rather than a decoder. */
    public boolean isEncoder() {
        return architecture.equals("bert");
    }

    public int qDim() {
        return heads * headDim;
    }

    public int kvDim() {
        return kvHeads * headDim;
    }
}
