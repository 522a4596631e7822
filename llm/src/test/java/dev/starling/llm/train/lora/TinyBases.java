package dev.starling.llm.train.lora;

import dev.starling.llm.generate.LlamaModel;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.gguf.GgufTensorInfo;
import dev.starling.llm.gguf.GgufWriter;
import dev.starling.llm.model.KvCache;
import dev.starling.llm.model.Transformer;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import dev.starling.llm.tensor.ComputePool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Tiny synthetic GGUF bases (rows of 64/128 so Q8_0 blocks fit) and helpers shared by the LoRA tests. */
final class TinyBases {
    /** Untied llama: 2 blocks, dim 64, 4 heads over 2 KV heads, FFN 128, 288 tokens. */
    static final Shape LLAMA = new Shape("lora-tiny-llama", "llama", 64, 2, 4, 2, 16, 128, 288, 64, 10000f, 1e-5f,
            false, false, false, 0f);
    /** Tied qwen2 with Q/K/V biases and NEOX rope. */
    static final Shape QWEN2 = new Shape("lora-tiny-qwen2", "qwen2", 64, 2, 4, 2, 16, 128, 288, 64, 1000000f,
            1e-6f, true, true, false, 0f);

    /** Tied qwen3: QK-norm, head size 32 (q is wider than the model). */
    static final Shape QWEN3 = new Shape("lora-tiny-qwen3", "qwen3", 64, 2, 4, 2, 32, 128, 288, 64, 1000000f,
            1e-6f, true, false, true, 0f);
    /** Llama 3 style: tied, rope_freqs.weight from a scaling factor of 8, theta 500000. */
    static final Shape LLAMA3 = new Shape("lora-tiny-llama3", "llama", 64, 2, 4, 2, 16, 128, 288, 64, 500000f,
            1e-5f, true, false, false, 8f);
    /** Rows of 256, so every matrix can be Q4_K / Q6_K: one block, dim 256, FFN 512. */
    static final Shape K256 = new Shape("lora-tiny-k256", "llama", 256, 1, 4, 2, 64, 512, 288, 64, 10000f, 1e-5f,
            false, false, false, 0f);

    private TinyBases() {
    }

    static long seed() {
        String s = System.getProperty("tests.seed");
        long seed = s != null ? Long.parseLong(s) : System.nanoTime();
        System.out.println("seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        return seed;
    }

    static Path write(Shape shape, GgmlType type, long seed, Path dir) throws IOException {
        Path out = dir.resolve(shape.name() + "-" + type + ".gguf");
        return SyntheticModel.write(shape, type, null, seed, out).path();
    }

    /**
     * A copy of the Llama 3 style model at {@code in} whose rope_freqs.weight holds random divisors in [0.3, 3]
     * (the synthetic ones only differ from 1 at frequencies too low to matter over a few positions).
     */
    /**
     * A base of {@code shape} and {@code type} for a check: written with the next seed of {@code rnd}, and for a
     * rope-scaled shape given strong rope factors (the synthetic ones barely rotate over a few positions).
     */
    static Path writeChecked(Shape shape, GgmlType type, java.util.SplittableRandom rnd, Path dir) throws IOException {
        Path path = write(shape, type, rnd.nextLong(), dir);
        if (shape.llama3RopeFactor() > 0) {
            path = withStrongRopeFactors(path, rnd.nextLong());
        }
        return path;
    }

    static Path withStrongRopeFactors(Path in, long seed) throws IOException {
        Path out = in.resolveSibling("strong-rope-" + in.getFileName());
        SplittableRandom r = new SplittableRandom(seed);
        try (GgufFile g = GgufFile.open(in)) {
            GgufWriter w = GgufWriter.create(out);
            w.putAll(g.metadata(), k -> true);
            for (GgufTensorInfo t : g.tensors()) {
                if (t.name().equals("rope_freqs.weight")) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) t.dim(0) * 4)
                            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < t.dim(0); i++) {
                        b.putFloat((float) (0.3 + 2.7 * r.nextDouble()));
                    }
                    w.addRawTensor(t.name(), t.type(), t.dims(), b.array());
                } else {
                    w.addRawTensor(t.name(), t.type(), t.dims(), g.tensorData(t));
                }
            }
            w.write();
        }
        return out;
    }

    /** A fixed "text": a repeating pattern with some structure to learn. */
    static int[] text(int n, int vocab) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = (7 * (i % 11) + 3 * (i % 5) + 1) % vocab;
        }
        return t;
    }

    /** B factors set to normal(0, std) so that the adapter changes the model. */
    static void randomizeB(LoraAdapter adapter, long seed, double std) {
        SplittableRandom r = new SplittableRandom(seed);
        for (LoraAdapter.Pair p : adapter.pairs()) {
            float[] b = p.b().value();
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) (r.nextGaussian() * std);
            }
        }
    }

    /** Logits [seq][vocab] of the inference engine for one sequence, activations kept in float. */
    static float[] inferenceLogits(Path model, int[] tokens) throws IOException {
        try (ComputePool pool = new ComputePool(1); LlamaModel m = LlamaModel.load(model, pool, 1, false)) {
            Transformer t = m.transformer();
            KvCache cache = t.newCache(tokens.length);
            KvCache[] caches = new KvCache[tokens.length];
            boolean[] want = new boolean[tokens.length];
            Arrays.fill(caches, cache);
            Arrays.fill(want, true);
            return t.forward(caches, tokens, want, false).logits();
        }
    }

    /** max |a - b| / max |b| (floats). */
    static double relativeError(float[] a, float[] b) {
        double max = 0;
        for (float e : b) {
            max = Math.max(max, Math.abs(e));
        }
        double worst = 0;
        for (int i = 0; i < b.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst / max;
    }

    /** max |a - b| / max |b|. */
    static double relativeError(float[] a, double[] b) {
        double max = 0;
        for (double e : b) {
            max = Math.max(max, Math.abs(e));
        }
        double worst = 0;
        for (int i = 0; i < b.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst / max;
    }
}
