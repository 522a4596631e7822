package dev.starling.llm.tokenizer.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded random corpora for trainer tests; the seed comes from -Dtests.seed= (hex) or is drawn, and is printed. */
final class TrainerRandom {

    private static final String[] WORDS = {"the", " the", "cat", " cat", " sat", " on", " mat", "don't", " I'm",
            " naïve", " über", " 12345", " 3.14", "\n", "  ", "!!", " @user", " #tag", " http://x.y/z", " 東京",
            " Привет", " 🙂", "👍🏽", " नमस्ते", " aaaa", "aaa", " bananas"};
    private static final int[][] RANGES = {{0x20, 0x7E}, {0xA0, 0x17F}, {0x300, 0x36F}, {0x400, 0x4FF},
            {0x4E00, 0x4FFF}, {0x1F300, 0x1F64F}, {0x0, 0x10FFFF}};

    private TrainerRandom() {
    }

    static long seed() {
        String s = System.getProperty("tests.seed");
        long seed = s == null || s.isBlank() ? new SplittableRandom().nextLong() : Long.parseUnsignedLong(s, 16);
        System.out.println("seed " + Long.toHexString(seed) + " (replay with -Dtests.seed=" + Long.toHexString(seed)
                + ")");
        return seed;
    }

    static String replay(long seed) {
        return "replay with -Dtests.seed=" + Long.toHexString(seed);
    }

    /** Random text of up to maxParts parts: common words (so that pairs repeat) and random code points. */
    static String text(SplittableRandom rnd, int maxParts) {
        StringBuilder sb = new StringBuilder();
        int n = rnd.nextInt(maxParts + 1);
        for (int i = 0; i < n; i++) {
            if (rnd.nextInt(3) > 0) {
                sb.append(WORDS[rnd.nextInt(WORDS.length)]);
            } else {
                int[] r = RANGES[rnd.nextInt(RANGES.length)];
                int cp;
                do {
                    cp = r[0] + rnd.nextInt(r[1] - r[0] + 1);
                } while (cp >= 0xD800 && cp <= 0xDFFF); // never a lone surrogate
                sb.appendCodePoint(cp);
            }
        }
        return sb.toString();
    }

    static List<String> corpus(SplittableRandom rnd, int texts, int maxParts) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < texts; i++) {
            out.add(text(rnd, maxParts));
        }
        return out;
    }
}
