package dev.starling.llm.tokenizer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-written splitters give exactly the pre-tokens of their java.util.regex reference. */
class PreTokenizerTest {

    /** Characters that exercise every alternative and its backtracking. */
    private static final String TRICKY = " \r\n\t'sStTrReEvVmMlLdDſK1٣²Ⅻaé\u0301漢,.!?-\u00a0\u3000\u2009\u0085\u000b\u200d😀🦙";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GPT2", "LLAMA3", "QWEN2"})
    void fastSplitterEqualsTheRegex(String which) {
        String regex = switch (which) {
            case "GPT2" -> PreTokenizer.GPT2;
            case "LLAMA3" -> PreTokenizer.LLAMA3;
            default -> PreTokenizer.QWEN2;
        };
        PreTokenizer pre = PreTokenizer.of(regex);
        assertTrue(pre.isFast(), "a known regex gets a fast splitter");
        long seed = RandomText.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < 4000; i++) {
            String s;
            if (i % 2 == 0) {
                StringBuilder sb = new StringBuilder();
                int n = rnd.nextInt(24);
                for (int k = 0; k < n; k++) {
                    sb.appendCodePoint(TRICKY.codePointAt(TRICKY.offsetByCodePoints(0,
                            rnd.nextInt(TRICKY.codePointCount(0, TRICKY.length())))));
                }
                s = sb.toString();
            } else {
                s = RandomText.next(rnd, 50);
            }
            // also a region inside the text, as used between special tokens
            // (never inside a surrogate pair: special tokens cannot cut one)
            int from = s.offsetByCodePoints(0, rnd.nextInt(s.codePointCount(0, s.length()) + 1));
            int to = s.offsetByCodePoints(from, rnd.nextInt(s.codePointCount(from, s.length()) + 1));
            for (int[] r : new int[][] {{0, s.length()}, {from, to}}) {
                List<String> fast = new ArrayList<>();
                List<String> ref = new ArrayList<>();
                pre.split(s, r[0], r[1], fast::add);
                pre.splitWithRegex(s, r[0], r[1], ref::add);
                String text = s;
                assertEquals(ref, fast, () -> which + " on " + TokenizerVectorsTest.escape(text) + " [" + r[0] + ","
                        + r[1] + "); " + RandomText.seedText(seed));
            }
        }
    }
}
