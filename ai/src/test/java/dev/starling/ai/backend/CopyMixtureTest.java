package dev.starling.ai.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The copy distribution and the mixture on hand-made token sequences. */
class CopyMixtureTest {

    private static final int VOCAB = 32;
    /** Token 0 ends a clause ("."); token 31 stands for a citation marker's last token. */
    private static final int DOT = 0;
    private static final int MARKER = 31;

    private static CopyMixture mixture(double weight, int maxMatch, int[]... sources) {
        return new CopyMixture(List.of(sources), weight, maxMatch, VOCAB, id -> id == DOT,
                tail -> tail.length > 0 && tail[tail.length - 1] == MARKER);
    }

    /** history = a prompt of two tokens (20, 21) followed by the output. */
    private static int[] history(int... output) {
        int[] h = new int[2 + output.length];
        h[0] = 20;
        h[1] = 21;
        System.arraycopy(output, 0, h, 2, output.length);
        return h;
    }

    private static CopyMixture.Distribution dist(CopyMixture m, int... output) {
        int[] h = history(output);
        return m.copyDistribution(h, 2, h.length);
    }

    @Test
    void theLongestMatchWins() {
        CopyMixture m = mixture(0.5, 4, new int[] {1, 2, 3, 4}, new int[] {9, 3, 5}, new int[] {7, 2, 3, 6});
        // output ends 1 2 3: the 3-token match (-> 4) beats the 2-token ones (2 3 -> 4, 6) and the 1-token ones
        CopyMixture.Distribution d = dist(m, 8, 1, 2, 3);
        assertEquals(3, d.matchLength());
        assertArrayEquals(new int[] {4}, d.ids());
        assertArrayEquals(new double[] {1.0}, d.probs());
        // output ends 2 3: two 2-token matches, one each
        d = dist(m, 8, 2, 3);
        assertEquals(2, d.matchLength());
        assertArrayEquals(new int[] {4, 6}, d.ids());
        assertArrayEquals(new double[] {0.5, 0.5}, d.probs(), 1e-12);
        // output ends 8 3: only 1-token matches: 3 -> 4, 3 -> 5, 3 -> 6
        d = dist(m, 8, 3);
        assertEquals(1, d.matchLength());
        assertArrayEquals(new int[] {4, 5, 6}, d.ids());
        // the prompt's tokens are never matched: output "2" alone matches 1 token, not "21 2"
        assertEquals(1, dist(m, 2).matchLength());
    }

    @Test
    void maxMatchBoundsTheSuffix() {
        CopyMixture m = mixture(0.5, 1, new int[] {1, 2, 3, 4}, new int[] {7, 2, 3, 6});
        // (an output that starts as the first source does would follow it: the clause-following rule)
        CopyMixture.Distribution d = dist(m, 8, 1, 2, 3);
        assertEquals(1, d.matchLength());
        assertArrayEquals(new int[] {4, 6}, d.ids());
    }

    @Test
    void noMatchMeansTheModelAlone() {
        CopyMixture m = mixture(0.7, 4, new int[] {1, 2, 3, 4});
        assertNull(dist(m, 9, 10), "no source has 10");
        assertNull(dist(m, 1, 2, 3, 4), "4 ends the source: nothing follows it");
        float[] logits = randomLogits(new Random(1));
        float[] before = logits.clone();
        int[] h = history(9, 10);
        m.process(logits, h, 2, h.length);
        assertArrayEquals(before, logits, "no match: the logits are left as they are");
    }

    @Test
    void weightZeroLeavesTheLogitsBitIdentical() {
        CopyMixture m = mixture(0, 4, new int[] {1, 2, 3, 4});
        float[] logits = randomLogits(new Random(2));
        float[] before = logits.clone();
        int[] h = history(1, 2);
        assertNotNull(m.copyDistribution(h, 2, h.length));
        m.process(logits, h, 2, h.length);
        for (int i = 0; i < VOCAB; i++) {
            assertEquals(Float.floatToRawIntBits(before[i]), Float.floatToRawIntBits(logits[i]), "logit " + i);
        }
    }

    @Test
    void theStartAndCitationMarkersPointAtTheNextClauseNotYetCopied() {
        CopyMixture m = mixture(0.5, 4, new int[] {1, 2, DOT, 5, 6}, new int[] {7, 8});
        CopyMixture.Distribution start = dist(m);
        assertEquals(0, start.matchLength());
        assertArrayEquals(new int[] {1}, start.ids(), "the answer starts with the first clause of the first source");
        assertArrayEquals(new double[] {1.0}, start.probs());
        // after "1 2 . [marker]": clause "1 2 ." is copied (its opening 1 2 DOT occurs), so the next one, 5 6
        assertArrayEquals(new int[] {5}, dist(m, 1, 2, DOT, MARKER).ids());
        // a copied opening counts wherever it occurs in the output; shorter clauses by their whole length
        assertArrayEquals(new int[] {7}, dist(m, 9, 5, 6, 1, 2, DOT, 3, MARKER).ids());
        assertNull(dist(m, 1, 2, DOT, 5, 6, 7, 8, MARKER), "every clause copied: the model alone");
        assertNull(mixture(0.5, 4).copyDistribution(history(), 2, 2), "no sources: nothing to start from");
        // a marker that is not at the end does not count
        assertEquals(1, dist(m, MARKER, 5).matchLength());
    }

    @Test
    void theClauseChosenAtAMarkerIsFollowedEvenWhenClausesBeginAlike() {
        // three posts that open with the same token (a hashtag): after post 1 and its marker, the next clause is post 2's
        CopyMixture m = mixture(0.5, 4, new int[] {1, 2, 3, DOT, MARKER}, new int[] {1, 4, 5, DOT, MARKER},
                new int[] {1, 6, 7, DOT, MARKER});
        assertArrayEquals(new int[] {1}, dist(m, 1, 2, 3, DOT, MARKER).ids());
        // the shared first token no longer loses the chosen clause: all mass on post 2's next token (the longest match
        // alone would split it over 2, 4 and 6, and a small model then repeats post 1)
        CopyMixture.Distribution d = dist(m, 1, 2, 3, DOT, MARKER, 1);
        assertArrayEquals(new int[] {4}, d.ids());
        assertArrayEquals(new double[] {1.0}, d.probs());
        assertEquals(1, d.matchLength());
        assertArrayEquals(new int[] {5}, dist(m, 1, 2, 3, DOT, MARKER, 1, 4).ids());
        // at the answer's start the first clause is followed the same way
        assertArrayEquals(new int[] {2}, dist(m, 1).ids());
        // once the output leaves the chosen clause, the longest match decides again
        assertArrayEquals(new int[] {7}, dist(m, 1, 2, 3, DOT, MARKER, 1, 6).ids());
        assertEquals(2, dist(m, 1, 2, 3, DOT, MARKER, 1, 6).matchLength());
    }

    @Test
    void theMixtureIsAProbabilityDistribution() {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        System.out.println("CopyMixtureTest seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random r = new Random(seed);
        for (int round = 0; round < 200; round++) {
            List<int[]> sources = new ArrayList<>();
            for (int s = r.nextInt(4); s >= 0; s--) {
                int[] src = new int[1 + r.nextInt(12)];
                for (int i = 0; i < src.length; i++) {
                    src[i] = r.nextInt(6); // a small alphabet: many matches of every length
                }
                sources.add(src);
            }
            double weight = r.nextInt(4) == 0 ? 0.99 : r.nextDouble();
            int maxMatch = 1 + r.nextInt(5);
            CopyMixture m = new CopyMixture(sources, weight, maxMatch, VOCAB, id -> id == DOT, tail -> false);
            int[] output = new int[r.nextInt(8)];
            for (int i = 0; i < output.length; i++) {
                output[i] = r.nextInt(7);
            }
            int[] h = history(output);
            String where = "round " + round + ", sources " + sources.stream().map(Arrays::toString).toList() + ", output "
                    + Arrays.toString(output) + ", maxMatch " + maxMatch + " (seed " + seed + ")";
            TreeMap<Integer, Double> expected = referenceCopy(sources, output, maxMatch);
            CopyMixture.Distribution d = m.copyDistribution(h, 2, h.length);
            if (expected == null) {
                assertNull(d, where);
            } else {
                assertNotNull(d, where);
                assertArrayEquals(expected.keySet().stream().mapToInt(Integer::intValue).toArray(), d.ids(), where);
                assertArrayEquals(expected.values().stream().mapToDouble(Double::doubleValue).toArray(), d.probs(), 1e-9, where);
            }
            float[] logits = randomLogits(r);
            double[] pModel = softmax(logits);
            m.process(logits, h, 2, h.length);
            double[] p = softmax(logits);
            double sum = 0;
            for (int w = 0; w < VOCAB; w++) {
                sum += p[w];
                double want = expected == null ? pModel[w]
                        : (1 - weight) * pModel[w] + weight * expected.getOrDefault(w, 0.0);
                assertEquals(want, p[w], 1e-5, "p(" + w + ") in " + where);
            }
            assertEquals(1.0, sum, 1e-5, where);
            if (expected != null) {
                // in log space: the processed logits are log-probabilities already
                double z = 0;
                for (float l : logits) {
                    z += Math.exp(l);
                }
                assertEquals(1.0, z, 1e-4, "the processed logits are log p: " + where);
            }
        }
    }

    /**
     * p_copy the slow way (no citation markers): the start rule for no output; following the first source while the
     * output is its opening; else the longest k with a following token, counting occurrences.
     */
    private static TreeMap<Integer, Double> referenceCopy(List<int[]> sources, int[] output, int maxMatch) {
        if (output.length == 0) {
            return share(List.of(sources.getFirst()[0])); // nothing copied yet: the first clause of the first source
        }
        int[] first = sources.getFirst();
        if (output.length < first.length && Arrays.equals(output, Arrays.copyOf(first, output.length))) {
            return share(List.of(first[output.length])); // still following the clause chosen at the start
        }
        for (int k = Math.min(maxMatch, output.length); k >= 1; k--) {
            int[] suffix = Arrays.copyOfRange(output, output.length - k, output.length);
            List<Integer> next = new ArrayList<>();
            for (int[] s : sources) {
                for (int j = 0; j + k < s.length; j++) {
                    if (Arrays.equals(Arrays.copyOfRange(s, j, j + k), suffix)) {
                        next.add(s[j + k]);
                    }
                }
            }
            if (!next.isEmpty()) {
                return share(next);
            }
        }
        return null;
    }

    private static TreeMap<Integer, Double> share(List<Integer> tokens) {
        if (tokens.isEmpty()) {
            return null;
        }
        TreeMap<Integer, Double> out = new TreeMap<>();
        tokens.forEach(t -> out.merge(t, 1.0 / tokens.size(), Double::sum));
        return out;
    }

    @Test
    void limitsAreChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mixture(1.0, 4, new int[] {1}));
        assertTrue(e.getMessage().contains("[0, 1)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mixture(0.5, 4, new int[] {1}, new int[] {2, VOCAB}));
        assertTrue(e.getMessage().contains("copy source 1 has token id 32 at 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mixture(0.5, 0, new int[] {1}));
        assertTrue(e.getMessage().contains("maxMatch"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CopyEvidence.of(List.of("x"), -0.1));
        assertThrows(IllegalArgumentException.class, () -> CopyEvidence.of(List.of("x".repeat(CopyEvidence.MAX_TEXT_CHARS + 1)), 0.5));
    }

    private static float[] randomLogits(Random r) {
        float[] l = new float[VOCAB];
        for (int i = 0; i < VOCAB; i++) {
            l[i] = (float) (r.nextGaussian() * 3);
        }
        return l;
    }

    private static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
