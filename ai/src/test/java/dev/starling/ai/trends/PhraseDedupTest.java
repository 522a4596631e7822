package dev.starling.ai.trends;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link PhraseDedup#subsumed} (the linear one) against {@link PhraseDedup#subsumedReference} (every pair) on seeded
 * random phrase sets drawn from a small vocabulary, so that phrases contain and continue each other often, with
 * audiences near the 0.8 share. Prints its seed; replay with {@code -Dtests.seed=<seed>}.
 */
class PhraseDedupTest {

    private static final String[] VOCABULARY = {"solar", "eclipse", "total", "power", "cut", "mid", "game", "red", "blue"};

    @Test
    void linearDedupEqualsThePairwiseDefinition() {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        System.out.println("PhraseDedupTest seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random random = new Random(seed);
        int nonEmpty = 0;
        for (int round = 0; round < 2_000; round++) {
            Map<String, Integer> phrases = randomPhrases(random);
            List<String> expected = PhraseDedup.subsumedReference(phrases);
            nonEmpty += expected.isEmpty() ? 0 : 1;
            assertEquals(expected, PhraseDedup.subsumed(phrases), "seed " + seed + ", round " + round + ": " + phrases);
        }
        // the generator must exercise both rules, or the comparison proves nothing
        org.junit.jupiter.api.Assertions.assertTrue(nonEmpty > 500, "only " + nonEmpty + " rounds dropped a phrase");
    }

    @Test
    void phrasesThatAreNotSingleSpacedWordsFollowTheDefinition() {
        Map<String, Integer> phrases = new LinkedHashMap<>();
        phrases.put("solar  eclipse", 10);
        phrases.put("solar", 9);
        phrases.put("eclipse ", 9);
        phrases.put("total solar  eclipse", 9);
        assertEquals(PhraseDedup.subsumedReference(phrases), PhraseDedup.subsumed(phrases));
    }

    private static Map<String, Integer> randomPhrases(Random random) {
        Map<String, Integer> phrases = new LinkedHashMap<>();
        int n = 1 + random.nextInt(30);
        for (int i = 0; i < n; i++) {
            int words = 1 + random.nextInt(3);
            List<String> w = new ArrayList<>();
            for (int j = 0; j < words; j++) {
                w.add(VOCABULARY[random.nextInt(VOCABULARY.length)]);
            }
            int accounts = 8 + random.nextInt(5); // 8..12: 0.8 x 12 = 9.6, so some pairs pass the share and some do not
            phrases.put(String.join(" ", w), accounts);
        }
        return phrases;
    }
}
