package dev.starling.ai.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded randomized check of {@link StopStrings} against its definition (cut the whole text where the first stop
 * string completes, at that string's start), for texts fed in random pieces. Replay a failure with {@code -Dtests.seed=N}.
 */
class StopStringsTest {

    private static final long SEED = Long.getLong("tests.seed", System.nanoTime());

    @Test
    void streamedCutsMatchTheDefinition() {
        System.out.println("StopStringsTest seed " + SEED + " (replay with -Dtests.seed=" + SEED + ")");
        SplittableRandom random = new SplittableRandom(SEED);
        String alphabet = "abc é\n";
        for (int round = 0; round < 5_000; round++) {
            String text = randomString(random, alphabet, random.nextInt(0, 40));
            List<String> stops = new ArrayList<>();
            for (int i = random.nextInt(0, 4); i > 0; i--) {
                stops.add(randomString(random, alphabet, random.nextInt(1, 5)));
            }
            String expected = text;
            boolean shouldStop = false;
            // the definition: the first position where some stop string ends; cut at the earliest such start
            for (int end = 1; end <= text.length() && !shouldStop; end++) {
                int cut = Integer.MAX_VALUE;
                for (String s : stops) {
                    if (text.substring(0, end).endsWith(s)) {
                        cut = Math.min(cut, end - s.length());
                    }
                }
                if (cut != Integer.MAX_VALUE) {
                    expected = text.substring(0, cut);
                    shouldStop = true;
                }
            }
            StopStrings cutter = new StopStrings(stops);
            StringBuilder emitted = new StringBuilder();
            int pos = 0;
            while (pos < text.length() && !cutter.stopped()) {
                int len = random.nextInt(1, 6);
                String piece = text.substring(pos, Math.min(text.length(), pos + len));
                pos += piece.length();
                String out = cutter.feed(piece);
                for (String s : stops) {
                    assertFalse(emitted.toString().concat(out).contains(s), "seed " + SEED + ": emitted a stop string");
                }
                emitted.append(out);
            }
            emitted.append(cutter.finish());
            assertEquals(expected, emitted.toString(), "seed " + SEED + " round " + round + ": text '" + text
                    + "' stops " + stops + " (replay with -Dtests.seed=" + SEED + ")");
            assertEquals(shouldStop, cutter.stopped(), "seed " + SEED + " round " + round);
        }
    }

    private static String randomString(SplittableRandom random, String alphabet, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
