package dev.starling.llm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.bench.RandomDecoder;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.tensor.TestSeeds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Internal consistency of the forward pass: matrix prefill = token by token; batched decode = one by one. */
class TransformerTest {
    private static ComputePool pool;

    @BeforeAll
    static void start() {
        pool = new ComputePool(2);
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    static Transformer load(GgufFile f) throws Exception {
        return load(f, pool);
    }

    static Transformer load(GgufFile f, ComputePool pool) throws Exception {
        ModelConfig c = ModelConfig.from(f);
        return new Transformer(c, ModelWeights.load(f, c), pool);
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "qwen3"})
    void prefillAsMatrixEqualsTokenByToken(String arch) throws Exception {
        long seed = TestSeeds.seed("TransformerTest.prefill." + arch);
        Random r = new Random(seed);
        try (GgufFile f = GgufFile.open(TinyModels.tiny(arch, GgmlType.F32))) {
            Transformer t = load(f);
            int n = 5 + r.nextInt(20);
            int[] prompt = r.ints(n, 0, t.config().vocabSize()).toArray();
            KvCache a = t.newCache(64);
            // F32 weights: no activation rounding, so matrix and token-by-token agree to float rounding
            float[] matrix = t.prefill(a, prompt, 7);
            KvCache b = t.newCache(64);
            float[] last = null;
            for (int tok : prompt) {
                last = t.step(new KvCache[] {b}, new int[] {tok})[0];
            }
            assertEquals(n, a.length());
            assertClose(last, matrix, 1e-4f, arch + " seed " + seed);
        }
    }

    /**
     * Batch variant 2 fuses and vectorizes the steps between products (residual + norm + rounding per row, rounding
     * inside attention, SwiGLU + rounding) with the same IEEE operations in the same order: logits must be the same
     * bits as with the separate passes of variant 1, for prefill and for a batched step (variant 3 adds a faster decoding
     * of the same Q4_0 scales; 5, the default, reads aligned activations token quad by token quad).
     */
    @ParameterizedTest
    @CsvSource({"llama, Q4_0", "llama, Q8_0", "qwen2, Q8_0", "qwen3, Q4_0", "llama, Q4_K", "llama, F16"})
    void fusedStepsGiveTheSameBitsAsSeparatePasses(String arch, GgmlType type) throws Exception {
        long seed = TestSeeds.seed("TransformerTest.fused." + arch + "." + type);
        Random r = new Random(seed);
        try (GgufFile f = GgufFile.open(TinyModels.tiny(arch, type))) {
            Transformer t = load(f);
            int seqs = 2 + r.nextInt(7);
            int[][] prompts = new int[seqs][];
            for (int s = 0; s < seqs; s++) {
                prompts[s] = r.ints(1 + r.nextInt(9), 0, t.config().vocabSize()).toArray();
            }
            int[] next = r.ints(seqs, 0, t.config().vocabSize()).toArray();
            int[] variants = {1, 3, 5, 7, 8}; // 1 against 3 (2 plus cheaper Q4_0 scales), 5 (aligned, by token quads), 7 (vector scales), 8 (guided)
            float[][][] byVariant = new float[variants.length][][];
            int before = dev.starling.llm.tensor.MatMul.currentBatchVariant();
            try {
                for (int v = 1; v <= variants.length; v++) {
                    dev.starling.llm.tensor.MatMul.setBatchVariant(variants[v - 1]);
                    KvCache[] caches = new KvCache[seqs];
                    float[][] out = new float[seqs + 1][];
                    for (int s = 0; s < seqs; s++) {
                        caches[s] = t.newCache(32);
                        float[] last = t.prefill(caches[s], prompts[s], 4);
                        if (s == 0) {
                            out[seqs] = last;
                        }
                    }
                    float[][] step = t.step(caches, next);
                    System.arraycopy(step, 0, out, 0, seqs);
                    byVariant[v - 1] = out;
                }
            } finally {
                dev.starling.llm.tensor.MatMul.setBatchVariant(before);
            }
            for (int k = 1; k < variants.length; k++) {
                for (int s = 0; s <= seqs; s++) {
                    for (int i = 0; i < byVariant[0][s].length; i++) {
                        assertEquals(Float.floatToRawIntBits(byVariant[0][s][i]), Float.floatToRawIntBits(byVariant[k][s][i]),
                                arch + " " + type + " variant " + variants[k] + " row " + s + " logit " + i + " seed " + seed);
                    }
                }
            }
        }
    }

    /**
     * With float activations batched and single decode agree to float rounding; with llama.cpp-style activation
     * rounding a last-bit difference can flip one quantized activation, so the bound is looser there.
     */
    @ParameterizedTest
    @CsvSource({"false, 1e-4", "true, 5e-3"})
    void batchedDecodeEqualsSeparateDecode(boolean roundActivations, float tolerance) throws Exception {
        long seed = TestSeeds.seed("TransformerTest.batched." + roundActivations);
        Random r = new Random(seed);
        try (GgufFile f = GgufFile.open(TinyModels.tiny("llama", GgmlType.Q8_0))) {
            ModelConfig c = ModelConfig.from(f);
            Transformer t = new Transformer(c, ModelWeights.load(f, c), pool, roundActivations);
            int seqs = 3;
            KvCache[] together = new KvCache[seqs];
            KvCache[] alone = new KvCache[seqs];
            int[][] prompts = new int[seqs][];
            for (int s = 0; s < seqs; s++) {
                prompts[s] = r.ints(2 + r.nextInt(6), 0, 512).toArray();
                together[s] = t.newCache(32);
                alone[s] = t.newCache(32);
                t.prefill(together[s], prompts[s], 64);
                t.prefill(alone[s], prompts[s], 64);
            }
            int[] next = r.ints(seqs, 0, 512).toArray();
            float[][] batched = t.step(together, next);
            for (int s = 0; s < seqs; s++) {
                float[] single = t.step(new KvCache[] {alone[s]}, new int[] {next[s]})[0];
                assertClose(single, batched[s], tolerance, "sequence " + s + " seed " + seed);
            }
        }
    }

    @Test
    void contextOverflowIsAClearError() throws Exception {
        try (GgufFile f = GgufFile.open(TinyModels.tiny("llama", GgmlType.F32))) {
            Transformer t = load(f);
            KvCache c = t.newCache(4);
            t.prefill(c, new int[] {1, 2, 3}, 8);
            t.step(new KvCache[] {c}, new int[] {4});
            ContextOverflowException e = assertThrows(ContextOverflowException.class, () -> t.step(new KvCache[] {c}, new int[] {5}));
            assertTrue(e.getMessage().contains("context of 4 tokens"), e.getMessage());
            assertThrows(ContextOverflowException.class, () -> t.prefill(t.newCache(4), new int[] {1, 2, 3, 4, 5}, 8));
            assertThrows(IllegalArgumentException.class, () -> t.newCache(100_000));
        }
    }

    @Test
    void unsupportedArchitectureAndTensorTypeAreNamed(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path gemma = dir.resolve("gemma.gguf");
        dev.starling.llm.gguf.GgufWriter.create(gemma).putString("general.architecture", "gemma")
                .addTensor("token_embd.weight", GgmlType.F32, new long[] {32, 4}, new float[128]).write();
        try (GgufFile f = GgufFile.open(gemma)) {
            UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> ModelConfig.from(f));
            assertTrue(e.getMessage().contains("'gemma'"), e.getMessage());
        }
        // a llama whose q projection is Q5_0: copy a tiny model's tensors, re-typing one
        RandomDecoder spec = new RandomDecoder("llama", 256, 1, 4, 2, 64, 256, 300, 64, GgmlType.F32, 3, true);
        Path ok = dir.resolve("ok.gguf");
        spec.write(ok);
        Path bad = dir.resolve("q5.gguf");
        try (GgufFile src = GgufFile.open(ok)) {
            var w = dev.starling.llm.gguf.GgufWriter.create(bad).putAll(src.metadata(), k -> true);
            for (var info : src.tensors()) {
                if (info.name().equals("blk.0.attn_q.weight")) {
                    w.addRawTensor(info.name(), GgmlType.Q5_0, info.dims(), new byte[(int) GgmlType.Q5_0.bytesFor(info.elementCount())]);
                } else {
                    w.addRawTensor(info.name(), info.type(), info.dims(), src.tensorData(info));
                }
            }
            w.write();
        }
        try (GgufFile f = GgufFile.open(bad)) {
            ModelConfig c = ModelConfig.from(f);
            UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> ModelWeights.load(f, c));
            assertTrue(e.getMessage().contains("blk.0.attn_q.weight") && e.getMessage().contains("Q5_0"), e.getMessage());
        }
        assertTrue(Files.size(bad) > 0);
    }

    static void assertClose(float[] want, float[] got, float relTol, String what) {
        assertEquals(want.length, got.length);
        float scale = 0;
        for (float v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < want.length; i++) {
            int ii = i;
            float fs = scale;
            assertTrue(Math.abs(want[i] - got[i]) <= relTol * (1 + fs),
                    () -> what + ": logit " + ii + " " + got[ii] + " vs " + want[ii] + " (scale " + fs + ")");
        }
    }
}
