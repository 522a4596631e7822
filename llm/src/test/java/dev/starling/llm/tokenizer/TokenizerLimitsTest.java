package dev.starling.llm.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The input limit, and no quadratic blow-up on long pre-tokens or long runs. */
class TokenizerLimitsTest {

    @Test
    void textOverTheLimitIsRejectedWithAClearMessage() {
        Tokenizer tok = StreamingDecoderTest.byteTokenizer();
        String big = "a".repeat(Tokenizer.MAX_INPUT_CHARS + 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tok.encode(big));
        assertEquals("text of " + (Tokenizer.MAX_INPUT_CHARS + 1) + " chars exceeds the tokenizer input limit of "
                + Tokenizer.MAX_INPUT_CHARS + " chars; split it into smaller pieces first", e.getMessage());
    }

    @Test
    void badIdsAreRejectedNamingTheId() {
        Tokenizer tok = StreamingDecoderTest.byteTokenizer();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {256}));
        assertEquals("token id 256 is outside the vocabulary of 256 tokens", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tok.tokenBytes(-1));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-bpe", "qwen2", "gpt-2", "llama-spm", "bert-bge"})
    void longRunsEncodeInLinearishTime(String name) {
        Tokenizer tok = TokenizerTestData.tokenizer(name);
        long seed = RandomText.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 200_000;
        StringBuilder letters = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            letters.append((char) ('a' + rnd.nextInt(26)));
        }
        String oneWord = letters.toString();
        String spaces = " ".repeat(n) + "x";
        String newlines = "\n \n".repeat(n / 3);
        String digits = "7".repeat(n);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (String s : new String[] {oneWord, spaces, newlines, digits}) {
                int[] ids = tok.encode(s);
                if (!(tok instanceof WordPieceTokenizer)) { // WordPiece drops whitespace: nothing to check there
                    assertTrue(ids.length > 0);
                    assertEquals(s, tok.decode(ids), () -> RandomText.seedText(seed));
                }
            }
        }, () -> name + ": 4 runs of " + n + " chars took more than 20 s; " + RandomText.seedText(seed));
    }
}
