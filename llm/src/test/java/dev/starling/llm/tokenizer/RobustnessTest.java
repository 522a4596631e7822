package dev.starling.llm.tokenizer;

import dev.starling.llm.gguf.GgufWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Any UTF-16 input (lone surrogates included) encodes to valid ids without an exception; bad GGUF metadata fails clearly. */
class RobustnessTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gpt-2", "llama-bpe", "qwen2", "llama-spm", "phi-3", "bert-bge"})
    void arbitraryUtf16NeverBreaksEncoding(String name) {
        Tokenizer tok = TokenizerTestData.tokenizer(name);
        long seed = RandomText.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < 300; i++) {
            char[] cs = new char[rnd.nextInt(40)];
            for (int k = 0; k < cs.length; k++) {
                cs[k] = switch (rnd.nextInt(4)) {
                    case 0 -> (char) (0xD800 + rnd.nextInt(0x800)); // surrogates, often unpaired
                    case 1 -> (char) rnd.nextInt(0x80);
                    default -> (char) rnd.nextInt(0x10000);
                };
            }
            String s = new String(cs);
            try {
                for (boolean special : new boolean[] {false, true}) {
                    int[] ids = tok.encode(s, true, special);
                    for (int id : ids) {
                        assertTrue(id >= 0 && id < tok.vocabSize(), "id " + id);
                    }
                    tok.decode(ids);
                    StreamingDecoder.decodeAll(tok, ids);
                }
            } catch (RuntimeException | AssertionError e) {
                fail(name + ": input " + TokenizerVectorsTest.escape(s) + " failed: " + e + "; "
                        + RandomText.seedText(seed), e);
            }
        }
    }

    @Test
    void unsupportedOrInconsistentGgufTokenizerMetadataIsRejected(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("v.gguf");
        GgufWriter.create(f).putString("tokenizer.ggml.model", "rwkv")
                .putStringArray("tokenizer.ggml.tokens", "a", "b").write();
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> Tokenizers.fromGguf(f));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("tokenizer.ggml.model 'rwkv' is not supported"), e.getMessage());

        Path g = dir.resolve("w.gguf");
        GgufWriter.create(g).putString("tokenizer.ggml.model", "llama")
                .putStringArray("tokenizer.ggml.tokens", "a", "b").putInt32Array("tokenizer.ggml.token_type", 1)
                .write();
        e = assertThrows(TokenizerFormatException.class, () -> Tokenizers.fromGguf(g));
        assertTrue(e.getMessage().contains("tokenizer.ggml.token_type has 1 entries but tokenizer.ggml.tokens has 2"),
                e.getMessage());

        Path h = dir.resolve("x.gguf");
        GgufWriter.create(h).putString("tokenizer.ggml.model", "gpt2").putString("tokenizer.ggml.pre", "chameleon")
                .putStringArray("tokenizer.ggml.tokens", "a", "b").putStringArray("tokenizer.ggml.merges", "a b")
                .write();
        e = assertThrows(TokenizerFormatException.class, () -> Tokenizers.fromGguf(h));
        assertTrue(e.getMessage().contains("tokenizer.ggml.pre 'chameleon' is not supported"), e.getMessage());

        Path k = dir.resolve("y.gguf");
        GgufWriter.create(k).putString("tokenizer.ggml.model", "gpt2").putString("tokenizer.ggml.pre", "gpt-2")
                .putStringArray("tokenizer.ggml.tokens", "a", "b").putStringArray("tokenizer.ggml.merges", "a b")
                .putInt32("tokenizer.ggml.eos_token_id", 7).write();
        e = assertThrows(TokenizerFormatException.class, () -> Tokenizers.fromGguf(k));
        assertTrue(e.getMessage().contains("tokenizer.ggml.eos_token_id = 7 is outside the vocabulary of 2 tokens"),
                e.getMessage());
    }

    @Test
    void aSmallGgufBpeVocabularyWorksEndToEnd(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("tiny.gguf");
        // byte-level: "Ġ" is the space byte
        GgufWriter.create(f).putString("tokenizer.ggml.model", "gpt2").putString("tokenizer.ggml.pre", "gpt-2")
                .putStringArray("tokenizer.ggml.tokens", "a", "b", "Ġ", "ab", "Ġab", "<|end|>")
                .putInt32Array("tokenizer.ggml.token_type", 1, 1, 1, 1, 1, 3)
                .putStringArray("tokenizer.ggml.merges", "a b", "Ġ ab")
                .putInt32("tokenizer.ggml.eos_token_id", 5).write();
        Tokenizer tok = Tokenizers.fromGguf(f);
        assertArrayEquals(new int[] {3, 4, 0}, tok.encode("ab aba"));
        assertArrayEquals(new int[] {3, 5}, tok.encode("ab<|end|>", false, true));
        assertEquals("ab aba", tok.decode(new int[] {3, 4, 0}));
        assertTrue(tok.isEndOfGeneration(5));
        assertEquals(-1, tok.bosId());
    }
}
