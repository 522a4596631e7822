package dev.starling.llm.json;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded mutations of a valid document either parse or fail with a {@link JsonException} whose offset lies inside
 * the text: never another exception, never a hang. Seed from -Dtests.seed= (hex) or random, printed on failure.
 */
class JsonFuzzTest {

    private static final String DOC = """
            {"version": "1.0", "added_tokens": [{"id": 128000, "content": "<|begin_of_text|>", "special": true}],
             "model": {"type": "BPE", "ignore_merges": true, "vocab": {"!": 0, "\\"": 1, "\\u0120t": 2, "é": 3},
             "merges": ["\\u0120 t", ["a", "b"]], "dropout": null, "x": -1.5e-3, "y": [[], {}, [[0]]]}}
            """;
    private static final String ALPHABET = "{}[]\":,\\ \n\t0123456789-+.eEtrufalsn\u0000\u001f\u00e9\ud83e\udd99u";

    @Test
    void mutationsParseOrFailCleanly() {
        String s0 = System.getProperty("tests.seed");
        long seed = s0 == null || s0.isBlank() ? new SplittableRandom().nextLong() : Long.parseUnsignedLong(s0, 16);
        SplittableRandom rnd = new SplittableRandom(seed);
        Json.parse(DOC); // the original is valid
        int parsed = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder(DOC);
            int edits = 1 + rnd.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = rnd.nextInt(sb.length() + 1);
                switch (rnd.nextInt(4)) {
                    case 0 -> sb.insert(at, ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
                    case 1 -> {
                        if (at < sb.length()) {
                            sb.deleteCharAt(at);
                        }
                    }
                    case 2 -> {
                        if (at < sb.length()) {
                            sb.setCharAt(at, ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
                        }
                    }
                    default -> sb.setLength(at); // truncation
                }
            }
            String text = sb.toString();
            try {
                Json.parse(text);
                parsed++;
            } catch (JsonException e) {
                assertTrue(e.offset() >= 0 && e.offset() <= text.length(), () -> "offset " + e.offset()
                        + " outside the text; seed " + Long.toHexString(seed));
            } catch (RuntimeException | StackOverflowError e) {
                fail("unexpected " + e + " for " + text + "; replay with -Dtests.seed=" + Long.toHexString(seed), e);
            }
        }
        assertTrue(parsed < 20_000, "some mutations must be rejected");
    }
}
