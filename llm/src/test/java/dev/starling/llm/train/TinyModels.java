package dev.starling.llm.train;

import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.model.RopeStyle;

/** Tiny Llama-family shapes for tests. */
final class TinyModels {
    private TinyModels() {
    }

    static ModelConfig config(String arch, int dim, int layers, int heads, int kvHeads, int ffn, int vocab, RopeStyle style) {
        int headDim = dim / heads;
        return new ModelConfig(arch, dim, layers, heads, kvHeads, headDim, ffn, vocab, 64, 1e-5f, 10000f, headDim, 1f, style, false);
    }

    static long seed() {
        String s = System.getProperty("tests.seed");
        long seed = s != null ? Long.parseLong(s) : System.nanoTime();
        System.out.println("seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        return seed;
    }
}
