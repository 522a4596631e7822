package dev.starling.llm.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Special tokens, BOS and end-of-generation ids on the real vocabularies. */
class SpecialTokensTest {

    @Test
    void llama3EotIsOneIdOnlyWhenParsingSpecials() {
        Tokenizer tok = TokenizerTestData.tokenizer("llama-bpe");
        int eot = tok.specialId("<|eot_id|>").orElseThrow();
        assertEquals(128009, eot);
        assertArrayEquals(new int[] {eot}, tok.encode("<|eot_id|>", false, true));
        int[] asText = tok.encode("<|eot_id|>", false, false);
        assertTrue(asText.length > 1, "without special parsing the text is ordinary tokens");
        assertEquals("<|eot_id|>", tok.decode(asText));

        int[] ids = tok.encode("Hi<|eot_id|>there", true, true);
        assertEquals(128000, ids[0], "BOS first");
        assertEquals(tok.bosId(), ids[0]);
        assertEquals(eot, ids[2]);
        assertEquals("<|begin_of_text|>Hi<|eot_id|>there", tok.decode(ids));

        assertTrue(tok.isEndOfGeneration(eot));
        assertTrue(tok.isControl(eot));
        assertFalse(tok.isControl(ids[1]));
        StreamingDecoder hiding = new StreamingDecoder(tok, false);
        assertEquals("Hithere", hiding.push(ids) + hiding.flush(), "control tokens left out of the stream");
        StreamingDecoder showing = new StreamingDecoder(tok);
        assertEquals(tok.decode(ids), showing.push(ids) + showing.flush());
        assertTrue(tok.isEndOfGeneration(tok.eosId()));
        assertEquals(128001, tok.eosId());
        assertFalse(tok.isEndOfGeneration(ids[1]));
        assertEquals(128256, tok.vocabSize());
        assertEquals(OptionalInt.empty(), tok.specialId("Hi"), "a normal token is not special");
    }

    @Test
    void qwenImEndIsEndOfGenerationAndThinkIsAlwaysOneToken() {
        Tokenizer tok = TokenizerTestData.tokenizer("qwen2");
        int imEnd = tok.specialId("<|im_end|>").orElseThrow();
        assertEquals(151645, imEnd);
        assertEquals(imEnd, tok.eosId(), "eos from tokenizer_config.json");
        assertTrue(tok.isEndOfGeneration(imEnd));
        assertTrue(tok.isEndOfGeneration(tok.specialId("<|endoftext|>").orElseThrow()));
        assertEquals(-1, tok.bosId(), "Qwen has no BOS");
        assertArrayEquals(tok.encode("a", false, false), tok.encode("a", true, false), "no BOS to add");
        // non-special added tokens (user-defined) are recognized even without special parsing, as in HF tokenizers
        assertArrayEquals(new int[] {151667}, tok.encode("<think>", false, false));
        assertArrayEquals(new int[] {151644, 872}, tok.encode("<|im_start|>user", false, true));
    }

    @Test
    void sentencePieceBosAndSpacePrefixAfterSpecials() {
        Tokenizer tok = TokenizerTestData.tokenizer("llama-spm");
        assertArrayEquals(new int[] {1, 15043}, tok.encode("Hello", true, false));
        assertTrue(tok.addsBosByDefault());
        assertArrayEquals(new int[] {1}, tok.encode("<s>", false, true));
        // after a special token the text gets the space prefix again, as in llama.cpp
        assertArrayEquals(new int[] {1, 15043}, tok.encode("<s>Hello", false, true));
        assertTrue(tok.isEndOfGeneration(2));
        assertEquals("Hello world", tok.decode(tok.encode("Hello world", true, false)).replace("<s>", "").strip());
        assertEquals(" Hello", tok.decode(tok.encode(" Hello")));
    }

    @Test
    void phi3EndIsEndOfGeneration() {
        Tokenizer tok = TokenizerTestData.tokenizer("phi-3");
        int end = tok.specialId("<|end|>").orElseThrow();
        assertArrayEquals(new int[] {end}, tok.encode("<|end|>", false, true));
        assertTrue(tok.isEndOfGeneration(end));
        assertTrue(tok.isEndOfGeneration(tok.eosId()));
    }

    @Test
    void bertWrapsInClsAndSep() {
        Tokenizer tok = TokenizerTestData.tokenizer("bert-bge");
        assertArrayEquals(new int[] {101, 7592, 2088, 102}, tok.encode("Hello world", true, false));
        assertArrayEquals(new int[] {7592, 2088}, tok.encode("Hello world"));
        assertEquals("hello world", tok.decode(new int[] {7592, 2088}));
        assertEquals(101, tok.bosId());
        assertEquals(102, tok.eosId());
    }

    @Test
    void gpt2EndOfText() {
        Tokenizer tok = TokenizerTestData.tokenizer("gpt-2");
        assertArrayEquals(new int[] {50256}, tok.encode("<|endoftext|>", false, true));
        assertTrue(tok.isEndOfGeneration(50256));
        assertEquals(50257, tok.vocabSize());
        assertEquals("Ġworld", tok.tokenText(995));
        assertArrayEquals(" world".getBytes(java.nio.charset.StandardCharsets.UTF_8), tok.tokenBytes(995));
    }
}
