package dev.starling.llm.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The heap-based merge loop agrees with a plain quadratic reference on random merge tables and inputs. */
class BpeMergesTest {

    /** Reference: repeatedly merge the lowest-ranked adjacent pair, leftmost among equals. O(n^2). */
    static int[] reference(int[] symbols, int[][] merges) {
        List<Integer> s = new ArrayList<>();
        for (int v : symbols) {
            s.add(v);
        }
        while (true) {
            int bestRank = Integer.MAX_VALUE;
            int bestPos = -1;
            for (int i = 0; i + 1 < s.size(); i++) {
                for (int r = 0; r < merges.length && r < bestRank; r++) {
                    if (merges[r][0] == s.get(i) && merges[r][1] == s.get(i + 1)) {
                        bestRank = r;
                        bestPos = i;
                        break;
                    }
                }
            }
            if (bestPos < 0) {
                return s.stream().mapToInt(Integer::intValue).toArray();
            }
            s.set(bestPos, merges[bestRank][2]);
            s.remove(bestPos + 1);
        }
    }

    @Test
    void agreesWithReferenceOnRandomTables() {
        long seed = RandomText.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int table = 0; table < 20; table++) {
            int alphabet = 2 + rnd.nextInt(6);
            int nMerges = 1 + rnd.nextInt(60);
            int[][] merges = new int[nMerges][];
            int nextId = alphabet;
            for (int r = 0; r < nMerges; r++) {
                merges[r] = new int[] {rnd.nextInt(nextId), rnd.nextInt(nextId), nextId++};
            }
            BpeMerges bpe = new BpeMerges(Arrays.stream(merges).mapToInt(m -> m[0]).toArray(),
                    Arrays.stream(merges).mapToInt(m -> m[1]).toArray(),
                    Arrays.stream(merges).mapToInt(m -> m[2]).toArray());
            for (int k = 0; k < 50; k++) {
                int[] input = rnd.ints(rnd.nextInt(40), 0, alphabet).toArray();
                int t = table;
                assertArrayEquals(reference(input, merges), bpe.apply(input),
                        () -> "table " + t + " input " + Arrays.toString(input) + "; " + RandomText.seedText(seed));
            }
        }
    }

    @Test
    void longInputIsNotQuadratic() {
        // merges a+a -> aa, aa+aa -> aaaa, ...: a run of 2^18 'a' collapses through 18 levels
        int levels = 18;
        int[][] merges = new int[levels][];
        for (int r = 0; r < levels; r++) {
            merges[r] = new int[] {r, r, r + 1};
        }
        BpeMerges bpe = new BpeMerges(Arrays.stream(merges).mapToInt(m -> m[0]).toArray(),
                Arrays.stream(merges).mapToInt(m -> m[1]).toArray(),
                Arrays.stream(merges).mapToInt(m -> m[2]).toArray());
        int[] input = new int[1 << levels];
        int[] out = assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> bpe.apply(input));
        assertArrayEquals(new int[] {levels}, out);
        assertEquals(levels, bpe.size());
    }
}
