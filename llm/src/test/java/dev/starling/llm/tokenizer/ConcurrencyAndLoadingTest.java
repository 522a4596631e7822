package dev.starling.llm.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One tokenizer shared by threads gives the same ids as one thread; loaders reject what they do not support. */
class ConcurrencyAndLoadingTest {

    @Test
    void sharedAcrossThreadsGivesTheSameIds() throws Exception {
        Tokenizer tok = TokenizerTestData.tokenizer("llama-bpe");
        long seed = RandomText.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            texts.add(RandomText.next(rnd, 80));
        }
        List<int[]> expected = texts.stream().map(tok::encode).toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int shift = t;
                futures.add(pool.submit(() -> {
                    for (int k = 0; k < texts.size(); k++) {
                        int i = (k * 7 + shift * 101) % texts.size();
                        int[] got = tok.encode(texts.get(i));
                        if (!Arrays.equals(expected.get(i), got)) {
                            throw new AssertionError("thread result differs for text " + i + "; "
                                    + RandomText.seedText(seed));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
    }

    @Test
    void ggufPathLoaderGivesTheSameTokenizer() throws IOException {
        Tokenizer fromPath = Tokenizers.fromGguf(TokenizerTestData.file("ggml-vocab-gpt-2.gguf"));
        Tokenizer fromMetadata = TokenizerTestData.tokenizer("gpt-2");
        assertEquals(fromMetadata.vocabSize(), fromPath.vocabSize());
        assertArrayEquals(fromMetadata.encode("Hello, world! 123"), fromPath.encode("Hello, world! 123"));
    }

    @Test
    void unsupportedTokenizerJsonIsRejectedNamingWhat(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("tokenizer.json");
        Files.writeString(f, "{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}");
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class,
                () -> Tokenizers.fromHuggingFaceJson(f));
        assertTrue(e.getMessage().contains("model.type 'Unigram' is not supported"), e.getMessage());
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());

        Files.writeString(f, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a\"]},"
                + " \"pre_tokenizer\": {\"type\": \"ByteLevel\"}}");
        e = assertThrows(TokenizerFormatException.class, () -> Tokenizers.fromHuggingFaceJson(f));
        assertTrue(e.getMessage().contains("model.merges[0] = 'a' is not two tokens"), e.getMessage());

        Files.writeString(f, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []},"
                + " \"pre_tokenizer\": {\"type\": \"Metaspace\"}}");
        e = assertThrows(TokenizerFormatException.class, () -> Tokenizers.fromHuggingFaceJson(f));
        assertTrue(e.getMessage().contains("pre_tokenizer 'Metaspace' is not supported"), e.getMessage());

        Files.writeString(f, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": -3}, \"merges\": []},"
                + " \"pre_tokenizer\": {\"type\": \"ByteLevel\"}}");
        e = assertThrows(TokenizerFormatException.class, () -> Tokenizers.fromHuggingFaceJson(f));
        assertTrue(e.getMessage().contains("model.vocab['a'] = -3 is outside"), e.getMessage());

        Files.writeString(f, "{\"model\": ");
        IOException syntax = assertThrows(IOException.class, () -> Tokenizers.fromHuggingFaceJson(f));
        assertTrue(syntax.getMessage().startsWith(f + ": unexpected end of input"), syntax.getMessage());
        assertTrue(syntax.getMessage().contains("offset 10"), syntax.getMessage());
    }

    @Test
    void addedTokenStripFlagsFromTokenizerJson(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("tokenizer.json");
        Files.writeString(f, """
                {"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "\u0120": 2}, "merges": []},
                 "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false},
                 "added_tokens": [
                   {"id": 3, "content": "<x>", "special": true, "lstrip": false, "rstrip": true},
                   {"id": 4, "content": "<y>", "special": true, "lstrip": true, "rstrip": false},
                   {"id": 5, "content": "<z>", "special": true}]}
                """);
        Tokenizer tok = Tokenizers.fromHuggingFaceJson(f);
        assertArrayEquals(new int[] {0, 3, 1}, tok.encode("a<x>  b", false, true), "rstrip eats the spaces after");
        assertArrayEquals(new int[] {0, 4, 1}, tok.encode("a  <y>b", false, true), "lstrip eats the spaces before");
        assertArrayEquals(new int[] {0, 5, 2, 2, 1}, tok.encode("a<z>  b", false, true), "no strip");
        assertEquals(-1, tok.bosId(), "no tokenizer_config.json: no BOS");
    }

    @Test
    void unknownGgufPreTokenizerIsRejectedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PreTokenizer.forGgufPre("deepseek-coder"));
        assertTrue(e.getMessage().contains("tokenizer.ggml.pre 'deepseek-coder' is not supported"), e.getMessage());
    }

    @Test
    void sentencePieceFromArraysMergesByScoreAndFallsBackToBytes() {
        // ids: 0 <unk>, 1 <s>, 2 </s>, 3.. byte tokens <0x00>..<0xFF>, then pieces
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<TokenType> types = new ArrayList<>(List.of(TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(TokenType.BYTE);
        }
        String[] pieces = {"▁", "a", "b", "ab", "▁a", "c"};
        float[] pieceScores = {-1, -2, -2, -5, -4, -2};
        for (String p : pieces) {
            tokens.add(p);
            types.add(TokenType.NORMAL);
        }
        float[] scores = new float[tokens.size()];
        for (int i = 0; i < pieces.length; i++) {
            scores[259 + i] = pieceScores[i];
        }
        Vocabulary v = new Vocabulary(tokens.toArray(String[]::new), types.toArray(TokenType[]::new), scores,
                new Vocabulary.SpecialIds(1, 2, 0, -1, -1, true));
        Tokenizer tok = Tokenizers.sentencePiece(v, true);
        int id = 259;
        int space = id, b = id + 2, ab = id + 3, spaceA = id + 4, c = id + 5;
        // "▁ab": ▁a (-4) beats ab (-5) by score, then ▁a+b has no token
        assertArrayEquals(new int[] {spaceA, b}, tok.encode("ab"));
        // "▁bab": only ab is a token
        assertArrayEquals(new int[] {space, b, ab}, tok.encode("bab"));
        // "é" is not a piece: its two UTF-8 bytes become byte tokens
        assertArrayEquals(new int[] {space, 3 + 0xC3, 3 + 0xA9}, tok.encode("é"));
        assertEquals("é", tok.decode(tok.encode("é")));
        assertArrayEquals(new int[] {1, spaceA, space, c}, tok.encode("a c", true, false));
        assertEquals("a c", tok.decode(new int[] {1, spaceA, space, c}).substring("<s>".length()));
    }
}
