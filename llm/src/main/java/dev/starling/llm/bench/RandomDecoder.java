package dev.starling.llm.bench;

import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.gguf.GgufWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a random-weight decoder GGUF in a given shape, loadable by this engine and by llama.cpp:
 * llama / qwen2 (q/k/v biases) / qwen3 (QK-norm) tensors and metadata, and a SentencePiece-style
 * vocabulary (unk, bos, eos, 256 byte tokens, then filler pieces) so that llama.cpp accepts it.
 * Rows are generated on demand from a seed, so real-size models never sit in memory.
 *
 * @param tied no output.weight: the output projection is token_embd
 */
public record RandomDecoder(String architecture, int dim, int layers, int heads, int kvHeads, int headDim, int ffnDim,
                            int vocabSize, int contextLength, GgmlType type, long seed, boolean tied) {

    public RandomDecoder {
        if (vocabSize < 260) {
            throw new IllegalArgumentException("vocabulary needs at least 260 tokens (specials and bytes), got " + vocabSize);
        }
    }

    /** A small model for tests. */
    public static RandomDecoder tiny(String architecture, GgmlType type, long seed) {
        return new RandomDecoder(architecture, 256, 2, 4, 2, 64, 512, 512, 512, type, seed, false);
    }

    /** The shape of Llama-3.2-1B (dim 2048, 16 layers, 32 heads, 8 KV heads, FFN 8192, vocab 128256, tied). */
    public static RandomDecoder llama32_1b(GgmlType type, long seed) {
        return new RandomDecoder("llama", 2048, 16, 32, 8, 64, 8192, 128256, 4096, type, seed, true);
    }

    public RandomDecoder withTied(boolean t) {
        return new RandomDecoder(architecture, dim, layers, heads, kvHeads, headDim, ffnDim, vocabSize, contextLength, type, seed, t);
    }

    public void write(Path out) throws IOException {
        String a = architecture;
        GgufWriter w = GgufWriter.create(out)
                .putString("general.architecture", a)
                .putString("general.name", "starling-random-" + a)
                .putUInt32(a + ".context_length", contextLength)
                .putUInt32(a + ".embedding_length", dim)
                .putUInt32(a + ".block_count", layers)
                .putUInt32(a + ".feed_forward_length", ffnDim)
                .putUInt32(a + ".attention.head_count", heads)
                .putUInt32(a + ".attention.head_count_kv", kvHeads)
                .putUInt32(a + ".attention.key_length", headDim)
                .putUInt32(a + ".attention.value_length", headDim)
                .putUInt32(a + ".rope.dimension_count", headDim)
                .putFloat32(a + ".rope.freq_base", a.startsWith("qwen") ? 1_000_000f : 500_000f)
                .putFloat32(a + ".attention.layer_norm_rms_epsilon", 1e-5f);
        vocabulary(w);
        int qDim = heads * headDim;
        int kvDim = kvHeads * headDim;
        int[] counter = {0};
        float embScale = 1.0f;
        matrix(w, "token_embd.weight", vocabSize, dim, embScale, counter);
        for (int l = 0; l < layers; l++) {
            String b = "blk." + l + ".";
            norm(w, b + "attn_norm.weight", dim, counter);
            matrix(w, b + "attn_q.weight", qDim, dim, (float) (1 / Math.sqrt(dim)), counter);
            matrix(w, b + "attn_k.weight", kvDim, dim, (float) (1 / Math.sqrt(dim)), counter);
            matrix(w, b + "attn_v.weight", kvDim, dim, (float) (1 / Math.sqrt(dim)), counter);
            if ("qwen2".equals(a)) {
                bias(w, b + "attn_q.bias", qDim, counter);
                bias(w, b + "attn_k.bias", kvDim, counter);
                bias(w, b + "attn_v.bias", kvDim, counter);
            }
            if ("qwen3".equals(a)) {
                norm(w, b + "attn_q_norm.weight", headDim, counter);
                norm(w, b + "attn_k_norm.weight", headDim, counter);
            }
            matrix(w, b + "attn_output.weight", dim, qDim, (float) (1 / Math.sqrt(qDim)), counter);
            norm(w, b + "ffn_norm.weight", dim, counter);
            matrix(w, b + "ffn_gate.weight", ffnDim, dim, (float) (1 / Math.sqrt(dim)), counter);
            matrix(w, b + "ffn_up.weight", ffnDim, dim, (float) (1 / Math.sqrt(dim)), counter);
            matrix(w, b + "ffn_down.weight", dim, ffnDim, (float) (1 / Math.sqrt(ffnDim)), counter);
        }
        norm(w, "output_norm.weight", dim, counter);
        if (!tied) {
            matrix(w, "output.weight", vocabSize, dim, (float) (1 / Math.sqrt(dim)) * 4, counter);
        }
        w.write();
    }

    private void vocabulary(GgufWriter w) {
        String[] tokens = new String[vocabSize];
        float[] scores = new float[vocabSize];
        int[] types = new int[vocabSize];
        tokens[0] = "<unk>";
        types[0] = 2;
        tokens[1] = "<s>";
        types[1] = 3;
        tokens[2] = "</s>";
        types[2] = 3;
        for (int i = 0; i < 256; i++) {
            tokens[3 + i] = String.format("<0x%02X>", i);
            types[3 + i] = 6;
        }
        for (int i = 259; i < vocabSize; i++) {
            tokens[i] = "\u2581w" + Integer.toString(i - 259, 36);
            scores[i] = -(i - 259);
            types[i] = 1;
        }
        w.putString("tokenizer.ggml.model", "llama")
                .putStringArray("tokenizer.ggml.tokens", tokens)
                .putFloatArray("tokenizer.ggml.scores", scores)
                .putInt32Array("tokenizer.ggml.token_type", types)
                .putUInt32("tokenizer.ggml.unknown_token_id", 0)
                .putUInt32("tokenizer.ggml.bos_token_id", 1)
                .putUInt32("tokenizer.ggml.eos_token_id", 2)
                .putBool("tokenizer.ggml.add_bos_token", true);
    }

    private void matrix(GgufWriter w, String name, int rows, int cols, float scale, int[] counter) {
        long tensorSeed = seed * 1_000_003L + counter[0]++;
        w.addTensor(name, type, new long[] {cols, rows}, (row, dst) -> {
            SplittableRandom r = new SplittableRandom(tensorSeed * 31 + row);
            for (int i = 0; i < dst.length; i++) {
                dst[i] = (float) (r.nextGaussian() * scale);
            }
        });
    }

    private void norm(GgufWriter w, String name, int n, int[] counter) {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + counter[0]++);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (1 + 0.1 * r.nextGaussian());
        }
        w.addTensor(name, GgmlType.F32, new long[] {n}, v);
    }

    private void bias(GgufWriter w, String name, int n, int[] counter) {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + counter[0]++);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (0.1 * r.nextGaussian());
        }
        w.addTensor(name, GgmlType.F32, new long[] {n}, v);
    }
}
