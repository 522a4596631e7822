package dev.starling.llm.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.text.Normalizer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * decode(encode(s)) == s on seeded random Unicode: exact for byte-level BPE without a normalizer (GPT-2, Llama 3),
 * NFC(s) for Qwen (whose tokenizer.json normalizes to NFC), and exact for SentencePiece with byte fallback on text
 * without the ▁ character (which stands for a space). Also with special parsing on, where every special text becomes
 * one id and decodes back to its text.
 */
class RoundTripTest {

    private static final int STRINGS = 400;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gpt-2", "llama-bpe", "qwen2", "llama-spm", "phi-3"})
    void decodeOfEncodeGivesTheText(String name) {
        Tokenizer tok = TokenizerTestData.tokenizer(name);
        long seed = RandomText.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        boolean spm = tok instanceof SentencePieceTokenizer;
        int skipped = 0;
        for (int i = 0; i < STRINGS; i++) {
            String s = RandomText.next(rnd, 60);
            if (spm) {
                s = s.replace(SentencePieceTokenizer.SPACE_MARK, 'x');
            }
            String expected = name.equals("qwen2") ? Normalizer.normalize(s, Normalizer.Form.NFC) : s;
            // SentencePiece puts a space prefix after each special token (as llama.cpp), so with special parsing
            // the round trip is not the identity there: only plain text is checked for it.
            for (boolean parseSpecial : spm ? new boolean[] {false} : new boolean[] {false, true}) {
                int[] ids = tok.encode(s, false, parseSpecial);
                String back = tok.decode(ids);
                if (spm && containsSpecial(tok, ids)) {
                    // a user-defined token (phi-3's </s>) is split out even without special parsing and is
                    // followed by a space prefix, as in llama.cpp: no identity there
                    skipped++;
                } else if (!back.equals(expected)) {
                    fail(name + " parseSpecial=" + parseSpecial + ": round trip differs for "
                            + TokenizerVectorsTest.escape(s) + " -> " + TokenizerVectorsTest.escape(back) + "; "
                            + RandomText.seedText(seed));
                }
                // the stream is the tokens' bytes as UTF-8 (no leading space dropped: a stream continues a prompt)
                var raw = new java.io.ByteArrayOutputStream();
                for (int id : ids) {
                    raw.writeBytes(tok.tokenBytes(id));
                }
                assertEquals(raw.toString(java.nio.charset.StandardCharsets.UTF_8),
                        StreamingDecoder.decodeAll(tok, ids), () -> "streaming decode differs; "
                                + RandomText.seedText(seed));
                if (!spm) {
                    assertEquals(back, StreamingDecoder.decodeAll(tok, ids));
                }
            }
        }
        assertTrue(skipped < STRINGS / 4, "only " + (STRINGS - skipped) + " of " + STRINGS
                + " strings could be checked; " + RandomText.seedText(seed));
    }

    private static boolean containsSpecial(Tokenizer tok, int[] ids) {
        for (int id : ids) {
            if (tok.specialId(tok.tokenText(id)).isPresent()) {
                return true;
            }
        }
        return false;
    }

    @Test
    void longTextRoundTripsThroughLlama3() throws Exception {
        Tokenizer tok = TokenizerTestData.tokenizer("llama-bpe");
        long seed = RandomText.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 200_000) {
            sb.append(RandomText.next(rnd, 200));
        }
        String s = sb.toString();
        assertEquals(s, tok.decode(tok.encode(s)), () -> RandomText.seedText(seed));
    }
}
