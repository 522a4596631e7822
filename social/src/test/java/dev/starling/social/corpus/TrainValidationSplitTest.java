package dev.starling.social.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The split by post id (stable, about the requested fraction on snowflake ids) and the manifest's JSON. */
class TrainValidationSplitTest {

    @Test
    void fractionIsMetOnSnowflakeIdsAndThePartDependsOnlyOnTheId() {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        System.out.println("TrainValidationSplitTest seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random r = new Random(seed);
        TrainValidationSplit split = TrainValidationSplit.ofFraction(0.05);
        assertEquals(50_000, split.validationPpm());
        // Snowflake ids as the database makes them: millis << 16 | sequence, bursts within one millisecond.
        long millis = 1_760_000_000_000L;
        int n = 200_000;
        int validation = 0;
        for (int i = 0; i < n; i++) {
            millis += r.nextInt(3);
            long id = (millis << 16) | (i & 0xFFFF);
            boolean v = split.isValidation(id);
            assertEquals(v, TrainValidationSplit.ofFraction(0.05).isValidation(id), "deterministic");
            if (v) {
                validation++;
            }
        }
        double share = validation / (double) n;
        // Binomial sd at n=200k, p=0.05 is ~0.0005; allow 6 sd.
        assertTrue(Math.abs(share - 0.05) < 0.003, "validation share " + share + " (seed " + seed + ")");

        assertEquals(0, countValidation(TrainValidationSplit.ofFraction(0), r));
        assertEquals(1000, countValidation(TrainValidationSplit.ofFraction(1), r));
        // A different salt is a different (still deterministic) split.
        TrainValidationSplit a = new TrainValidationSplit(500_000, 1);
        TrainValidationSplit b = new TrainValidationSplit(500_000, 2);
        int differ = 0;
        for (long id = 1; id <= 1000; id++) {
            if (a.partOf(id) != b.partOf(id)) {
                differ++;
            }
        }
        assertTrue(differ > 350 && differ < 650, "salts give independent splits: " + differ);
    }

    private static int countValidation(TrainValidationSplit s, Random r) {
        int v = 0;
        for (int i = 0; i < 1000; i++) {
            if (s.isValidation(r.nextLong())) {
                v++;
            }
        }
        return v;
    }

    @Test
    void rejectsFractionsOutsideZeroToOne() {
        assertThrows(IllegalArgumentException.class, () -> TrainValidationSplit.ofFraction(-0.1));
        assertThrows(IllegalArgumentException.class, () -> TrainValidationSplit.ofFraction(1.5));
        assertThrows(IllegalArgumentException.class, () -> TrainValidationSplit.ofFraction(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new TrainValidationSplit(1_000_001, 0));
    }

    @Test
    void manifestListsEveryReasonAndSerialises() {
        CorpusManifest m = new CorpusManifest(1, Instant.parse("2026-05-01T12:00:00Z"), 10,
                Map.of(PostExclusion.REPOST, 3L, PostExclusion.DIRECT, 2L), 4, Map.of(AccountExclusion.NOT_CONSENTING, 5L), 6);
        assertEquals(15, m.postsInSnapshot());
        assertEquals(9, m.accountsInSnapshot());
        assertEquals(0, m.postsExcluded(PostExclusion.UNLISTED));
        assertEquals(PostExclusion.values().length, m.postsExcluded().size());
        assertEquals("{\"rules_version\":1,\"snapshot_at\":\"2026-05-01T12:00:00Z\",\"posts_included\":10,"
                + "\"posts_excluded\":{\"repost\":3,\"author_not_consenting\":0,\"author_bot\":0,\"unlisted\":0,\"followers_only\":0,\"direct\":2,\"empty_text\":0},"
                + "\"accounts_included\":4,\"accounts_excluded\":{\"not_consenting\":5,\"bot\":0,\"no_eligible_posts\":0},\"posts_deleted\":6}", m.toJson());
    }
}
