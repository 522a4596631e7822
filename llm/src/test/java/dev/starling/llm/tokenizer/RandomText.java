package dev.starling.llm.tokenizer;

import java.util.SplittableRandom;

/**
 * Seeded random Unicode text for tokenizer tests: ASCII words and punctuation, whitespace of all kinds, Latin with
 * combining marks, Cyrillic, Arabic, Devanagari, CJK, Hangul, emoji with ZWJ and variation selectors, digits, and any
 * scalar value (never a lone surrogate). The seed comes from {@code -Dtests.seed=} or is random; tests print it.
 */
final class RandomText {

    private static final String[] WORDS = {"the", "Hello", " world", "don't", "I'm", "'s", "naïve", "Führer",
            "über", "12345", "3.14", "<|eot_id|>", "<s>", "</s>", "[CLS]", "http://x.y/z?q=1", "@user", "#tag"};
    private static final int[][] RANGES = {
            {0x20, 0x7E}, {0x20, 0x7E}, {0x20, 0x7E}, {0xA0, 0xFF}, {0x100, 0x17F}, {0x300, 0x36F}, {0x400, 0x4FF},
            {0x600, 0x6FF}, {0x900, 0x97F}, {0x4E00, 0x9FFF}, {0xAC00, 0xD7A3}, {0x3040, 0x30FF}, {0x1F300, 0x1FAFF},
            {0x1F600, 0x1F64F}, {0x2000, 0x206F}, {0xFE00, 0xFE0F}, {0x1780, 0x17FF}, {0x0, 0x10FFFF}};
    private static final int[] WHITESPACE = {' ', ' ', ' ', '\n', '\t', '\r', 0xA0, 0x3000, 0x2009, 0x200D};

    private RandomText() {
    }

    static long seed() {
        String s = System.getProperty("tests.seed");
        return s == null || s.isBlank() ? new SplittableRandom().nextLong() : Long.parseUnsignedLong(s, 16);
    }

    static String seedText(long seed) {
        return "seed " + Long.toHexString(seed) + " (replay with -Dtests.seed=" + Long.toHexString(seed) + ")";
    }

    /** A random string of about maxCodePoints code points. */
    static String next(SplittableRandom rnd, int maxCodePoints) {
        int n = rnd.nextInt(maxCodePoints + 1);
        StringBuilder sb = new StringBuilder();
        int[] range = RANGES[rnd.nextInt(RANGES.length)];
        while (sb.codePointCount(0, sb.length()) < n) {
            int kind = rnd.nextInt(10);
            if (kind == 0) {
                sb.append(WORDS[rnd.nextInt(WORDS.length)]);
            } else if (kind <= 2) {
                int k = 1 + rnd.nextInt(3);
                for (int i = 0; i < k; i++) {
                    sb.appendCodePoint(WHITESPACE[rnd.nextInt(WHITESPACE.length)]);
                }
            } else {
                if (rnd.nextInt(4) == 0) {
                    range = RANGES[rnd.nextInt(RANGES.length)];
                }
                int cp = range[0] + rnd.nextInt(range[1] - range[0] + 1);
                if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                    continue;
                }
                sb.appendCodePoint(cp);
            }
        }
        return sb.toString();
    }
}
