package dev.starling.llm.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Opens llama.cpp's real vocab-only GGUF files from the shared data and checks their metadata. */
class GgufRealVocabTest {

    static Path vocab(String name) {
        String shared = System.getProperty("starling.shared.dir", "../shared");
        Path p = Path.of(shared, "data", "tokenizers", "ggml-vocab-" + name + ".gguf");
        Assumptions.assumeTrue(Files.isRegularFile(p), "shared data absent, skipping: " + p);
        return p;
    }

    @ParameterizedTest
    @CsvSource({
        "gpt-2,     gpt2,  gpt2,  50257, 16",
        "llama-spm, llama, llama, 32000, 22",
        "phi-3,     phi3,  llama, 32064, 26",
        "bert-bge,  bert,  bert,  30522, 20",
    })
    void opensRealVocabulary(String name, String arch, String model, int vocabSize, int keyCount) throws Exception {
        try (GgufFile f = GgufFile.open(vocab(name))) {
            GgufMetadata m = f.metadata();
            assertEquals(3, f.version());
            assertEquals(keyCount, m.size());
            assertEquals(0, f.tensors().size());
            assertEquals(32, f.alignment());
            assertEquals(arch, m.getString("general.architecture"));
            assertEquals(model, m.getString("tokenizer.ggml.model"));
            String[] tokens = m.getStringArray("tokenizer.ggml.tokens");
            assertEquals(vocabSize, tokens.length);
            assertEquals(vocabSize, m.getIntArray("tokenizer.ggml.token_type").length);
            assertEquals(GgufValueType.STRING, m.elementTypeOf("tokenizer.ggml.tokens"));
            assertTrue(m.getInt(arch + ".block_count") > 0);
            assertTrue(m.getLong(arch + ".embedding_length") > 0);
            assertEquals(f.dataOffset() % 32, 0);
            // vocab-only files end at the header, so the padded data section start may lie just past the end
            assertTrue(f.dataOffset() < f.sizeBytes() + f.alignment());
        }
    }

    @ParameterizedTest
    @CsvSource({"llama-spm, 32000", "phi-3, 32064"})
    void readsScoresAndFlags(String name, int vocabSize) throws Exception {
        try (GgufFile f = GgufFile.open(vocab(name))) {
            GgufMetadata m = f.metadata();
            assertEquals(vocabSize, m.getFloatArray("tokenizer.ggml.scores").length);
            assertTrue(m.getBoolean("tokenizer.ggml.add_bos_token"));
            assertEquals(1, m.getInt("tokenizer.ggml.bos_token_id"));
            assertEquals(1e-5f, m.getFloat(m.getString("general.architecture")
                    + ".attention.layer_norm_rms_epsilon"), 1e-9f);
            assertEquals("<s>", m.getStringArray("tokenizer.ggml.tokens")[1]);
            assertEquals(7, m.getInt("no.such.key", 7));
        }
    }

    @ParameterizedTest
    @CsvSource({"gpt-2"})
    void missingAndMistypedKeysNameTheKey(String name) throws Exception {
        try (GgufFile f = GgufFile.open(vocab(name))) {
            GgufMetadata m = f.metadata();
            var missing = org.junit.jupiter.api.Assertions.assertThrows(GgufFormatException.class,
                    () -> m.getInt("gpt2.nope"));
            assertTrue(missing.getMessage().contains("'gpt2.nope' is missing"), missing.getMessage());
            var mistyped = org.junit.jupiter.api.Assertions.assertThrows(GgufFormatException.class,
                    () -> m.getString("gpt2.block_count"));
            assertTrue(mistyped.getMessage().contains("'gpt2.block_count' is UINT32, expected a string"),
                    mistyped.getMessage());
            assertEquals(50000, m.getStringArray("tokenizer.ggml.merges").length);
        }
    }
}
