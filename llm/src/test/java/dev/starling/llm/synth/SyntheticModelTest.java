package dev.starling.llm.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.gguf.GgufMetadata;
import dev.starling.llm.gguf.GgufTensorInfo;
import dev.starling.llm.gguf.quant.Dequantize;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SyntheticModelTest {

    @TempDir
    Path dir;

    /** Parameter counts of the real models (Hugging Face), plus the 32 Llama 3 rope factors llama.cpp stores. */
    @ParameterizedTest
    @CsvSource({
        "llama-3.2-1b, 128256, 147, 1235814432",
        "qwen2.5-0.5b, 151936, 290, 494032768",
        "qwen3-0.6b,   151936, 310, 596049920",
        "llama-2-7b,   32000,  291, 6738415616",
        "mistral-7b-v0.1, 32000, 291, 7241732096",
        "bge-small-en-v1.5, 30522, 197, 33212160",
        "all-minilm-l6-v2,  30522, 101, 22565376",
    })
    void realShapesHaveTheRealModelsTensorsAndParameterCounts(String name, int vocab, int tensors, long params) {
        Shape s = Shape.byName(name);
        List<SyntheticModel.TensorSpec> plan = SyntheticModel.plan(s, GgmlType.Q8_0, vocab);
        assertEquals(tensors, plan.size());
        assertEquals(params, plan.stream().mapToLong(SyntheticModel.TensorSpec::elementCount).sum());
        assertEquals("token_embd.weight", plan.getFirst().name());
        assertArrayEquals(new long[] {s.dim(), vocab}, plan.getFirst().dims());
        assertEquals(s.tiedEmbeddings(), plan.stream().noneMatch(t -> t.name().equals("output.weight")));
        for (SyntheticModel.TensorSpec t : plan) {
            assertEquals(0, t.dims()[0] % t.type().blockSize(), t.name());
        }
    }

    @Test
    void kQuantFallsBackWhereRowsAreNotWholeSuperBlocks() {
        var plan = SyntheticModel.plan(Shape.QWEN_2_5_0_5B, GgmlType.Q4_K, 151936);
        assertEquals(GgmlType.Q4_0, find(plan, "blk.0.attn_q.weight").type()); // rows of 896
        assertEquals(GgmlType.Q4_K, find(plan, "blk.0.ffn_down.weight").type()); // rows of 4864 = 19 * 256
        assertEquals(GgmlType.F32, find(plan, "blk.0.attn_q.bias").type());
        assertEquals(GgmlType.Q8_0, SyntheticModel.matrixType(GgmlType.Q6_K, 64));
        assertEquals(GgmlType.F16, SyntheticModel.matrixType(GgmlType.Q8_0, 48));
        var small = SyntheticModel.plan(Shape.SMALL_LLAMA, GgmlType.Q6_K, 1000);
        assertTrue(small.stream().filter(t -> t.kind() == SyntheticModel.Kind.MATRIX)
                .allMatch(t -> t.type() == GgmlType.Q6_K));
    }

    @Test
    void q4KMixFollowsLlamaCpp() {
        var plan = SyntheticModel.plan(Shape.LLAMA_3_2_1B, WeightMix.Q4_K_M, 128256);
        assertEquals(GgmlType.Q6_K, find(plan, "token_embd.weight").type()); // tied: it is the output projection
        java.util.List<Integer> q6 = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            GgmlType v = find(plan, "blk." + i + ".attn_v.weight").type();
            assertEquals(v, find(plan, "blk." + i + ".ffn_down.weight").type());
            assertEquals(GgmlType.Q4_K, find(plan, "blk." + i + ".attn_q.weight").type());
            assertEquals(GgmlType.Q4_K, find(plan, "blk." + i + ".ffn_up.weight").type());
            if (v == GgmlType.Q6_K) {
                q6.add(i);
            }
        }
        assertEquals(List.of(0, 1, 4, 7, 10, 13, 14, 15), q6);
        assertEquals(15, WeightMix.byName("Q4_K_M").fileType());
        var tiny = SyntheticModel.plan(Shape.TINY_LLAMA, WeightMix.Q4_K_M, 1000); // 64-wide rows fall back
        assertEquals(GgmlType.Q4_0, find(tiny, "blk.0.attn_v.weight").type());
        assertEquals(GgmlType.Q8_0, find(tiny, "blk.1.attn_v.weight").type());
        assertEquals(GgmlType.Q8_0, find(tiny, "blk.1.ffn_down.weight").type()); // rows of 128: Q6_K -> Q8_0
        assertThrows(IllegalArgumentException.class, () -> WeightMix.byName("Q5_K_M"));
    }

    private static SyntheticModel.TensorSpec find(List<SyntheticModel.TensorSpec> plan, String name) {
        return plan.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void tinyLlamaIsAComplete_loadableModel() throws Exception {
        Path p = dir.resolve("tiny.gguf");
        var r = SyntheticModel.write(Shape.TINY_LLAMA, GgmlType.F32, null, 1, p);
        assertEquals(Files.size(p), r.sizeBytes());
        assertEquals(32000, r.vocabSize());
        try (GgufFile f = GgufFile.open(p)) {
            GgufMetadata m = f.metadata();
            assertEquals("llama", m.getString("general.architecture"));
            assertEquals(64, m.getInt("llama.embedding_length"));
            assertEquals(2, m.getInt("llama.block_count"));
            assertEquals(4, m.getInt("llama.attention.head_count"));
            assertEquals(2, m.getInt("llama.attention.head_count_kv"));
            assertEquals(128, m.getInt("llama.feed_forward_length"));
            assertEquals(10000f, m.getFloat("llama.rope.freq_base"));
            assertEquals(1e-5f, m.getFloat("llama.attention.layer_norm_rms_epsilon"));
            assertEquals(32000, m.getStringArray("tokenizer.ggml.tokens").length);
            assertEquals("llama", m.getString("tokenizer.ggml.model"));
            assertEquals(2 * 9 + 3, f.tensors().size());
            GgufTensorInfo out = f.tensor("output.weight");
            assertArrayEquals(new long[] {64, 32000}, out.dims());
            assertArrayEquals(new long[] {64, 128}, f.tensor("blk.1.ffn_up.weight").dims());
            assertArrayEquals(new long[] {128, 64}, f.tensor("blk.1.ffn_down.weight").dims());
            assertArrayEquals(new long[] {64, 32}, f.tensor("blk.0.attn_k.weight").dims());
            assertEquals(r.parameterCount(), f.tensors().stream().mapToLong(GgufTensorInfo::elementCount).sum());
            // weights are normal(0, 1/sqrt(64)), norms near 1
            float[] q = floats(f, "blk.0.attn_q.weight");
            double mean = 0;
            double sq = 0;
            for (float v : q) {
                mean += v;
                sq += v * (double) v;
            }
            mean /= q.length;
            double std = Math.sqrt(sq / q.length - mean * mean);
            assertEquals(0.125, std, 0.01);
            assertEquals(0, mean, 0.01);
            float[] norm = floats(f, "blk.0.attn_norm.weight");
            for (float v : norm) {
                assertTrue(v > 0.5f && v < 1.5f, "norm weight " + v);
            }
        }
    }

    @Test
    void sameSeedSameBytes_typesAgreeAfterDequantization() throws Exception {
        Path a = dir.resolve("a.gguf");
        Path b = dir.resolve("b.gguf");
        Path c = dir.resolve("c.gguf");
        Path q = dir.resolve("q.gguf");
        SyntheticModel.write(Shape.TINY_QWEN3, GgmlType.F32, ModelVocabulary.synthetic(500), 42, a);
        SyntheticModel.write(Shape.TINY_QWEN3, GgmlType.F32, ModelVocabulary.synthetic(500), 42, b);
        SyntheticModel.write(Shape.TINY_QWEN3, GgmlType.F32, ModelVocabulary.synthetic(500), 43, c);
        SyntheticModel.write(Shape.TINY_QWEN3, GgmlType.Q8_0, ModelVocabulary.synthetic(500), 42, q);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
        try (GgufFile fa = GgufFile.open(a); GgufFile fq = GgufFile.open(q)) {
            assertNotNull(fa.tensor("blk.1.attn_q_norm.weight"));
            assertNull(fa.tensor("output.weight"));
            assertEquals(32, fa.metadata().getInt("qwen3.attention.key_length"));
            assertArrayEquals(new long[] {64, 128}, fa.tensor("blk.0.attn_q.weight").dims()); // 4 heads x 32
            float[] x = floats(fa, "blk.0.ffn_gate.weight");
            GgufTensorInfo t = fq.tensor("blk.0.ffn_gate.weight");
            assertEquals(GgmlType.Q8_0, t.type());
            float[] y = Dequantize.all(t.type(), fq.tensorData(t).toArray(ValueLayout.JAVA_BYTE), x.length);
            for (int i = 0; i < x.length; i++) {
                assertEquals(x[i], y[i], 0.01f * 0.5f + Math.abs(x[i]) * 0.01f, "value " + i);
            }
        }
    }

    @Test
    void llama3RopeFactorsFollowTheConverter() {
        float[] f = SyntheticModel.llama3RopeFactors(64, 500000f, 32f);
        assertEquals(32, f.length);
        assertEquals(1f, f[0]); // highest frequency is not scaled
        assertEquals(32f, f[31]); // lowest frequency is scaled by the full factor
        for (int i = 1; i < f.length; i++) {
            assertTrue(f[i] >= f[i - 1], "factors grow with wavelength");
        }
        assertTrue(f[15] > 1f && f[15] < 32f || f[16] > 1f && f[16] < 32f, "a smooth middle band");
    }

    @Test
    void bertEncoderHasLlamaCppsBertTensorsAndMetadata() throws Exception {
        Path p = dir.resolve("bert.gguf");
        SyntheticModel.write(Shape.TINY_BERT, GgmlType.Q8_0, null, 2, p);
        try (GgufFile f = GgufFile.open(p)) {
            GgufMetadata m = f.metadata();
            assertEquals("bert", m.getString("general.architecture"));
            assertFalse(m.getBoolean("bert.attention.causal"));
            assertEquals(1, m.getInt("bert.pooling_type"));
            assertEquals(1e-12f, m.getFloat("bert.attention.layer_norm_epsilon"));
            assertEquals("bert", m.getString("tokenizer.ggml.model"));
            String[] tokens = m.getStringArray("tokenizer.ggml.tokens");
            assertEquals(30522, tokens.length);
            assertEquals("[CLS]", tokens[m.getInt("tokenizer.ggml.cls_token_id")]);
            assertEquals(tokens.length, java.util.Set.of(tokens).size(), "tokens are distinct");
            assertArrayEquals(new long[] {64, 128}, f.tensor("position_embd.weight").dims());
            assertArrayEquals(new long[] {64, 2}, f.tensor("token_types.weight").dims());
            assertEquals(GgmlType.F32, f.tensor("position_embd.weight").type());
            assertEquals(GgmlType.Q8_0, f.tensor("blk.1.ffn_down.weight").type());
            assertArrayEquals(new long[] {64}, f.tensor("blk.1.layer_output_norm.bias").dims());
            assertNull(f.tensor("blk.0.attn_norm.weight"));
            assertNull(f.metadata().entryOrNull("bert.rope.freq_base"));
        }
        assertThrows(IllegalArgumentException.class, () -> new Shape("bad", "bert", 64, 1, 4, 2, 16, 64, 0, 16, 0f,
                1e-12f, true, true, false, 0f));
    }

    @Test
    void rejectsUnknownShapesAndTypes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Shape.byName("gpt-5"));
        assertTrue(e.getMessage().contains("llama-3.2-1b"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SyntheticModel.write(Shape.TINY_LLAMA, GgmlType.Q5_K, null, 1, dir.resolve("x.gguf")));
        assertThrows(IllegalArgumentException.class, () -> ModelVocabulary.synthetic(100));
    }

    static float[] floats(GgufFile f, String name) {
        GgufTensorInfo t = f.tensor(name);
        return Dequantize.all(t.type(), f.tensorData(t).toArray(ValueLayout.JAVA_BYTE), (int) t.elementCount());
    }
}
