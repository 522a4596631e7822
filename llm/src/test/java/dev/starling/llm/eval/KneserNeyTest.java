package dev.starling.llm.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KneserNeyTest {

    static long seed() {
        String s = System.getProperty("tests.seed");
        long seed = s == null || s.isBlank() ? new SplittableRandom().nextLong() : Long.parseUnsignedLong(s, 16);
        System.out.println("seed " + Long.toHexString(seed) + " (replay with -Dtests.seed=" + Long.toHexString(seed)
                + ")");
        return seed;
    }

    /** A stream with structure: a random sparse Markov chain of order 2 over vocab symbols. */
    static int[] markovStream(SplittableRandom rnd, int n, int vocab) {
        int[][] next = new int[vocab * vocab][3];
        for (int[] row : next) {
            for (int j = 0; j < row.length; j++) {
                row[j] = rnd.nextInt(vocab);
            }
        }
        int[] s = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = i < 2 || rnd.nextInt(10) == 0 ? rnd.nextInt(vocab) : next[s[i - 2] * vocab + s[i - 1]][rnd.nextInt(3)];
        }
        return s;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void probabilitiesSumToOneOverTheVocabularyForAnyContext(int order) {
        long seed = seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        int vocab = 2 + rnd.nextInt(60);
        int[] train = markovStream(rnd, 200 + rnd.nextInt(5000), vocab);
        KneserNey kn = KneserNey.train(train, order, vocab);
        for (int trial = 0; trial < 200; trial++) {
            int[] context;
            if (trial % 2 == 0) { // a context seen in training
                int at = rnd.nextInt(train.length);
                int len = rnd.nextInt(Math.min(at, 6) + 1);
                context = java.util.Arrays.copyOfRange(train, at - len, at);
            } else { // anything, mostly unseen
                context = new int[rnd.nextInt(7)];
                for (int i = 0; i < context.length; i++) {
                    context[i] = rnd.nextInt(vocab);
                }
            }
            double sum = 0;
            for (int w = 0; w < vocab; w++) {
                double p = kn.probability(context, 0, context.length, w);
                assertTrue(p > 0 && p < 1 || vocab == 1, "P = " + p);
                sum += p;
            }
            assertEquals(1.0, sum, 1e-9, "order " + order + ", vocab " + vocab + ", seed " + Long.toHexString(seed));
        }
    }

    /**
     * "abcab" (0 1 2 0 1), order 2, V = 3, worked by hand. Bigram counts ab 2, bc 1, ca 1: n1 = 2, n2 = 1, so
     * Y = 1/2, D1 = 1/2, D2 = 2 (clamped), D3+ = 1.5 (n3 = 0). Unigram continuation counts are all 1 (too few for the
     * estimate: D1 = 1/2), so P1 = (1 - 1/2 + 1/2 * 3 * 1/3) / 3 = 1/3 each. P(c|b) = (1 - 1/2 + 1/2 * 1/3) / 1 = 2/3,
     * P(a|b) = (1/2 * 1/3) / 1 = 1/6; P(b|a) = (2 - 2 + 2 * 1/3) / 2 = 1/3.
     */
    @Test
    void aHandWorkedBigram() {
        KneserNey kn = KneserNey.train(new int[] {0, 1, 2, 0, 1}, 2, 3);
        assertEquals(2.0 / 3, kn.probability(new int[] {1}, 0, 1, 2), 1e-12);
        assertEquals(1.0 / 6, kn.probability(new int[] {1}, 0, 1, 0), 1e-12);
        assertEquals(1.0 / 3, kn.probability(new int[] {0}, 0, 1, 1), 1e-12);
        assertEquals(1.0 / 3, kn.probability(new int[] {}, 0, 0, 1), 1e-12);
        // bits() walks the same histories
        int[] s = {0, 1, 2};
        double expected = -(Math.log(1.0 / 3) + Math.log(2.0 / 3)) / Math.log(2);
        assertEquals(expected, kn.bits(s, 1, 3), 1e-12);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void agreesWithTheTextbookFormulasWrittenOut(int order) {
        long seed = seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        int vocab = 2 + rnd.nextInt(12);
        int[] train = markovStream(rnd, 50 + rnd.nextInt(1500), vocab);
        KneserNey kn = KneserNey.train(train, order, vocab);
        NaiveKneserNey naive = new NaiveKneserNey(train, order, vocab);
        for (int trial = 0; trial < 300; trial++) {
            int[] context = new int[rnd.nextInt(order + 2)];
            if (trial % 2 == 0 && train.length > context.length) {
                int at = context.length + rnd.nextInt(train.length - context.length);
                System.arraycopy(train, at - context.length, context, 0, context.length);
            } else {
                for (int i = 0; i < context.length; i++) {
                    context[i] = rnd.nextInt(vocab);
                }
            }
            int w = rnd.nextInt(vocab);
            List<Integer> history = java.util.Arrays.stream(context).boxed().toList();
            assertEquals(naive.probability(history, w), kn.probability(context, 0, context.length, w), 1e-12,
                    "order " + order + ", context " + history + ", w " + w + ", seed " + Long.toHexString(seed));
        }
    }

    @Test
    void discountsFollowChenAndGoodman() {
        double[] d = KneserNey.discounts(new long[] {0, 10, 4, 2, 1});
        double y = 10.0 / 18;
        assertArrayEquals(new double[] {0, 1 - 2 * y * 4 / 10, 2 - 3 * y * 2 / 4, 3 - 4 * y * 1 / 2}, d, 1e-12);
    }

    @Test
    void bitsWalksTheSameHistoriesAsProbability() {
        long seed = seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        int vocab = 20;
        KneserNey kn = KneserNey.train(markovStream(rnd, 3000, vocab), 5, vocab);
        int[] eval = markovStream(rnd, 300, vocab);
        double expected = 0;
        for (int i = 1; i < eval.length; i++) {
            expected -= Math.log(kn.probability(eval, Math.max(0, i - 4), i, eval[i])) / Math.log(2);
        }
        assertEquals(expected, kn.bits(eval, 1, eval.length), 1e-9 * expected);
    }

    @Test
    void aFiveGramBeatsAOneGramOnRepetitiveText() {
        List<String> train = new ArrayList<>();
        List<String> held = new ArrayList<>();
        String[] phrases = {"good morning everyone", "see you at the meetup tonight", "the build is green again",
                "coffee first, then code"};
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < 400; i++) {
            train.add(phrases[rnd.nextInt(phrases.length)] + " #" + rnd.nextInt(10));
        }
        for (int i = 0; i < 50; i++) {
            held.add(phrases[rnd.nextInt(phrases.length)] + " #" + rnd.nextInt(10));
        }
        HeldOutText t = HeldOutText.of(train);
        HeldOutText h = HeldOutText.of(held);
        BitsPerByte one = LmEvaluation.ngramOverBytes(t, h, 1);
        BitsPerByte five = LmEvaluation.ngramOverBytes(t, h, 5);
        System.out.println(one.format());
        System.out.println(five.format());
        assertTrue(five.bitsPerByte() < one.bitsPerByte() / 3, five.bitsPerByte() + " vs " + one.bitsPerByte());
        assertTrue(one.bitsPerByte() < 8, "a unigram over bytes of English is under 8 bits/byte");
        assertEquals(h.bytes(), h.lines().stream().mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length + 1).sum());
    }

    @Test
    void badInputIsRejectedSayingWhy() {
        var e = assertThrows(IllegalArgumentException.class, () -> KneserNey.train(new int[] {1, 2, 9}, 3, 5));
        assertTrue(e.getMessage().contains("symbol 2 is 9, outside 0..4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KneserNey.train(new int[] {1}, 0, 5));
        assertThrows(IllegalArgumentException.class, () -> HeldOutText.of(List.of("a\nb")));
    }
}
