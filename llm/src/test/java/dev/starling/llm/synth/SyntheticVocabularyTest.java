package dev.starling.llm.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.gguf.GgufMetadata;
import dev.starling.llm.tokenizer.Tokenizer;
import dev.starling.llm.tokenizer.Tokenizers;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Synthetic models carry real vocabularies that tokenize exactly as their sources do. */
class SyntheticVocabularyTest {

    private static final String[] TEXTS = {"Hello world", " The quick brown fox, 1234!", "naïve café 日本語",
        "<|begin_of_text|>x<|eot_id|>", "<|im_start|>user\nhi<|im_end|>", "   tabs\tand\nnewlines  "};

    @TempDir
    Path dir;

    static Path data(String rel) {
        return TestVocabularies.data(rel);
    }

    @Test
    void realShapesNeedTheirVocabularyFile() throws Exception {
        var e = assertThrows(java.io.IOException.class,
                () -> ModelVocabulary.forShape(Shape.LLAMA_3_2_1B, dir));
        assertTrue(e.getMessage().contains("llama3"), e.getMessage());
        assertEquals(32000, ModelVocabulary.forShape(Shape.TINY_LLAMA, dir).size());
        assertEquals("bert", ModelVocabulary.forShape(Shape.TINY_BERT, dir).model());
        assertThrows(java.io.IOException.class, () -> ModelVocabulary.forShape(Shape.LLAMA_2_7B, dir));
        ModelVocabulary spm = ModelVocabulary.forShape(Shape.LLAMA_2_7B, data("ggml-vocab-llama-spm.gguf").getParent());
        assertEquals(32000, spm.size());
        assertEquals("llama", spm.model());
    }

    @Test
    void copiesEveryTokenizerKeyOfAGgufVocabulary() throws Exception {
        Path src = data("ggml-vocab-phi-3.gguf");
        Path out = dir.resolve("phi.gguf");
        SyntheticModel.write(Shape.TINY_LLAMA, GgmlType.Q8_0, ModelVocabulary.fromGguf(src), 3, out);
        try (GgufFile a = GgufFile.open(src); GgufFile b = GgufFile.open(out)) {
            GgufMetadata ma = a.metadata();
            GgufMetadata mb = b.metadata();
            for (String k : ma.keys()) {
                if (k.startsWith("tokenizer.")) {
                    assertEquals(ma.typeOf(k), mb.typeOf(k), k);
                    Object va = ma.entryOrNull(k).value();
                    Object vb = mb.entryOrNull(k).value();
                    assertTrue(java.util.Objects.deepEquals(va, vb), k);
                }
            }
            assertArrayEquals(new long[] {64, 32064}, b.tensor("token_embd.weight").dims());
            Tokenizer ta = Tokenizers.fromGguf(ma);
            Tokenizer tb = Tokenizers.fromGguf(mb);
            for (String s : TEXTS) {
                assertArrayEquals(ta.encode(s, true, true), tb.encode(s, true, true), s);
            }
        }
    }

    @Test
    void llama3TokenizerJsonBecomesTheGgufVocabularyOfLlama32() throws Exception {
        Path json = data("llama3/tokenizer.json");
        ModelVocabulary v = TestVocabularies.json("llama3");
        assertEquals("llama-bpe", v.pre());
        assertEquals(128256, v.size());
        assertEquals(280147, v.merges().length);
        assertEquals("<|begin_of_text|>", v.tokens()[128000]);
        assertEquals(ModelVocabulary.CONTROL, v.types()[128000]);
        assertEquals(ModelVocabulary.NORMAL, v.types()[1000]);
        assertEquals(128000L, v.other().get("tokenizer.ggml.bos_token_id").value());
        assertEquals(128001L, v.other().get("tokenizer.ggml.eos_token_id").value());
        assertEquals(true, v.other().get("tokenizer.ggml.add_bos_token").value());
        assertTrue(v.other().containsKey("tokenizer.chat_template"));
        // a tiny model with the whole Llama 3 vocabulary tokenizes as the tokenizer.json does
        Path out = dir.resolve("l3.gguf");
        SyntheticModel.write(Shape.TINY_LLAMA, GgmlType.Q8_0, v, 5, out);
        try (GgufFile f = GgufFile.open(out)) {
            Tokenizer fromGguf = Tokenizers.fromGguf(f.metadata());
            Tokenizer fromJson = Tokenizers.fromHuggingFaceJson(json);
            for (String s : TEXTS) {
                assertArrayEquals(fromJson.encode(s, false, true), fromGguf.encode(s, false, true), s);
            }
        }
    }

    @Test
    void qwenVocabularyIsPaddedToTheModelsEmbeddingRows() throws Exception {
        ModelVocabulary v = TestVocabularies.json("qwen3");
        assertEquals("qwen2", v.pre());
        assertEquals(151669, v.size());
        assertEquals(false, v.other().get("tokenizer.ggml.add_bos_token").value());
        ModelVocabulary padded = v.paddedTo(Shape.QWEN_3_0_6B.vocabSize());
        assertEquals(151936, padded.size());
        assertEquals("[PAD151669]", padded.tokens()[151669]);
        assertEquals(ModelVocabulary.UNUSED, padded.types()[151935]);
        assertEquals(ModelVocabulary.USER_DEFINED, v.types()[151668]); // </think> is not special
        assertEquals(ModelVocabulary.CONTROL, v.types()[151645]); // <|im_end|>
        assertEquals(151645L, v.other().get("tokenizer.ggml.eos_token_id").value());
    }
}
