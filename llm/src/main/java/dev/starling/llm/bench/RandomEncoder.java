package dev.starling.llm.bench;

import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.gguf.GgufWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a random-weight BERT-style encoder GGUF (architecture {@code bert}, llama.cpp's tensor names,
 * mean pooling) with the vocabulary copied from a vocabulary GGUF (e.g. llama.cpp's ggml-vocab-bert-bge.gguf).
 */
public record RandomEncoder(int dim, int layers, int heads, int ffnDim, int contextLength, GgmlType type, long seed) {

    public void write(Path vocabularyGguf, Path out) throws IOException {
        try (GgufFile vocab = GgufFile.open(vocabularyGguf)) {
            String[] tokens = vocab.metadata().getStringArray("tokenizer.ggml.tokens");
            int vocabSize = tokens.length;
            GgufWriter w = GgufWriter.create(out)
                    .putString("general.architecture", "bert")
                    .putString("general.name", "starling-random-bert")
                    .putUInt32("bert.context_length", contextLength)
                    .putUInt32("bert.embedding_length", dim)
                    .putUInt32("bert.feed_forward_length", ffnDim)
                    .putUInt32("bert.block_count", layers)
                    .putUInt32("bert.attention.head_count", heads)
                    .putFloat32("bert.attention.layer_norm_epsilon", 1e-12f)
                    .putBool("bert.attention.causal", false)
                    .putUInt32("bert.pooling_type", 1)
                    .putAll(vocab.metadata(), k -> k.startsWith("tokenizer."));
            int[] counter = {0};
            matrix(w, "token_embd.weight", vocabSize, dim, 1f, counter);
            matrix(w, "token_types.weight", 2, dim, 0.1f, GgmlType.F32, counter);
            matrix(w, "position_embd.weight", contextLength, dim, 0.1f, GgmlType.F32, counter);
            norm(w, "token_embd_norm", dim, counter);
            for (int l = 0; l < layers; l++) {
                String b = "blk." + l + ".";
                float s = (float) (1 / Math.sqrt(dim));
                matrix(w, b + "attn_q.weight", dim, dim, s, counter);
                vector(w, b + "attn_q.bias", dim, 0.02, 0, counter);
                matrix(w, b + "attn_k.weight", dim, dim, s, counter);
                vector(w, b + "attn_k.bias", dim, 0.02, 0, counter);
                matrix(w, b + "attn_v.weight", dim, dim, s, counter);
                vector(w, b + "attn_v.bias", dim, 0.02, 0, counter);
                matrix(w, b + "attn_output.weight", dim, dim, s, counter);
                vector(w, b + "attn_output.bias", dim, 0.02, 0, counter);
                norm(w, b + "attn_output_norm", dim, counter);
                matrix(w, b + "ffn_up.weight", ffnDim, dim, s, counter);
                vector(w, b + "ffn_up.bias", ffnDim, 0.02, 0, counter);
                matrix(w, b + "ffn_down.weight", dim, ffnDim, (float) (1 / Math.sqrt(ffnDim)), counter);
                vector(w, b + "ffn_down.bias", dim, 0.02, 0, counter);
                norm(w, b + "layer_output_norm", dim, counter);
            }
            w.write();
        }
    }

    private void matrix(GgufWriter w, String name, int rows, int cols, float scale, int[] counter) {
        matrix(w, name, rows, cols, scale, type, counter);
    }

    private void matrix(GgufWriter w, String name, int rows, int cols, float scale, GgmlType t, int[] counter) {
        long tensorSeed = seed * 1_000_003L + counter[0]++;
        w.addTensor(name, t, new long[] {cols, rows}, (row, dst) -> {
            SplittableRandom r = new SplittableRandom(tensorSeed * 31 + row);
            for (int i = 0; i < dst.length; i++) {
                dst[i] = (float) (r.nextGaussian() * scale);
            }
        });
    }

    private void norm(GgufWriter w, String prefix, int n, int[] counter) {
        vector(w, prefix + ".weight", n, 0.1, 1, counter);
        vector(w, prefix + ".bias", n, 0.02, 0, counter);
    }

    private void vector(GgufWriter w, String name, int n, double scale, double mean, int[] counter) {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + counter[0]++);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (mean + scale * r.nextGaussian());
        }
        w.addTensor(name, GgmlType.F32, new long[] {n}, v);
    }
}
