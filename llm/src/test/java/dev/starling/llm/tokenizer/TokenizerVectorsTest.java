package dev.starling.llm.tokenizer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every case of llama.cpp's tokenizer test vectors (test-tokenizer-0: add_special false, parse_special false) gives
 * exactly the expected ids, for each required vocabulary.
 */
class TokenizerVectorsTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gpt-2", "llama-spm", "phi-3", "bert-bge", "llama-bpe", "qwen2"})
    void everyCaseMatches(String name) throws Exception {
        Tokenizer tok = TokenizerTestData.tokenizer(name);
        List<TokenizerTestData.Case> cases = TokenizerTestData.cases(name);
        assertTrue(cases.size() >= 40, "expected the full vector file, got " + cases.size() + " cases");
        List<String> failures = new ArrayList<>();
        for (TokenizerTestData.Case c : cases) {
            int[] got = tok.encode(c.text(), false, false);
            if (!Arrays.equals(got, c.expected())) {
                failures.add("case " + c.index() + " " + escape(c.text()) + "\n   expected " + Arrays.toString(c.expected())
                        + "\n   got      " + Arrays.toString(got));
            }
        }
        assertEquals(List.of(), failures, name + ": " + failures.size() + " of " + cases.size() + " cases differ");
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append(s.length() > 80 ? "...\"" : "\"").toString();
    }
}
