package dev.starling.llm.tokenizer;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Streaming decoding never splits a character and yields exactly the whole text. */
class StreamingDecoderTest {

    /** A tokenizer over single bytes (ids 0..255), so a test can cut UTF-8 anywhere. */
    static Tokenizer byteTokenizer() {
        String[] tokens = new String[256];
        TokenType[] types = new TokenType[256];
        for (int b = 0; b < 256; b++) {
            tokens[b] = String.valueOf(ByteLevelCodec.charOf(b));
            types[b] = TokenType.NORMAL;
        }
        return Tokenizers.byteLevelBpe(new Vocabulary(tokens, types, null, Vocabulary.SpecialIds.none()),
                new String[0], PreTokenizer.GPT2, false);
    }

    @Test
    void holdsBackIncompleteCharacters() {
        Tokenizer tok = byteTokenizer();
        StreamingDecoder d = new StreamingDecoder(tok);
        byte[] llama = "🦙".getBytes(StandardCharsets.UTF_8);
        assertEquals("a", d.push('a'));
        assertEquals("", d.push(llama[0] & 0xFF));
        assertEquals("", d.push(llama[1] & 0xFF));
        assertEquals("", d.push(llama[2] & 0xFF));
        assertEquals(3, d.pendingBytes());
        assertEquals("🦙", d.push(llama[3] & 0xFF));
        assertEquals(0, d.pendingBytes());
        assertEquals("", d.push(0xE2));
        assertEquals("\uFFFD", d.flush(), "an incomplete character at the end becomes U+FFFD");
    }

    @Test
    void invalidBytesAreNotHeldBack() {
        Tokenizer tok = byteTokenizer();
        StreamingDecoder d = new StreamingDecoder(tok);
        assertEquals("\uFFFD", d.push(0xFF), "0xFF can never start a character");
        assertEquals("\uFFFD", d.push(0x80), "a stray continuation byte");
        assertEquals("", d.push(0xE0));
        assertEquals("\uFFFD\uFFFD", d.push(0x80), "E0 80 is an overlong start: emitted, not held");
        assertEquals(0, d.pendingBytes());
    }

    @Test
    void randomCutsGiveTheWholeText() {
        Tokenizer tok = byteTokenizer();
        long seed = RandomText.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < 200; i++) {
            String s = RandomText.next(rnd, 40);
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            StreamingDecoder d = new StreamingDecoder(tok);
            List<String> chunks = new ArrayList<>();
            for (byte b : bytes) {
                chunks.add(d.push(b & 0xFF));
            }
            chunks.add(d.flush());
            for (String c : chunks) {
                assertFalse(c.contains("\uFFFD"), () -> "a chunk split a character; " + RandomText.seedText(seed));
            }
            assertEquals(s, String.join("", chunks), () -> RandomText.seedText(seed));
        }
    }
}
