package dev.starling.llm.tokenizer.train;

import dev.starling.llm.tokenizer.TokenType;
import dev.starling.llm.tokenizer.Tokenizer;
import dev.starling.llm.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BpeTrainerTest {

    private static final List<String> SPECIALS = List.of("<|endoftext|>", "<|post|>", "<|im_start|>", "<|im_end|>");

    /**
     * Sennrich's example, one word per text, worked by hand (ids: bytes by value; ties by smaller left id):
     * pairs e-s and s-t both 9, e (101) before s (115); then es-t 9; l-o and o-w 7, l first; lo-w 7; then n-e,
     * e-w, w-est all 6: e-w has the smallest left; n-ew (n=110) before ew-est (id 260); new-est; then d-est, w-i, i-d
     * all 3: d (100) first; i-dest (i=105) before w-i (119); w-idest; e-r and low-er 2: e first; low-er.
     */
    @Test
    void learnsTheHandCheckedMerges() {
        List<String> corpus = new ArrayList<>();
        add(corpus, "low", 5);
        add(corpus, "lower", 2);
        add(corpus, "newest", 6);
        add(corpus, "widest", 3);
        String[] expected = {"e s", "es t", "l o", "lo w", "e w", "n ew", "new est", "d est", "i dest", "w idest",
                "e r", "low er"};
        TrainedBpe bpe = BpeTrainer.train(corpus, BpeTrainer.Options.of(256 + 20 + 1, List.of("<|endoftext|>"))
                .withPreTokenization(PreTokenization.GPT2).withMinPairCount(1));
        assertArrayEquals(expected, bpe.merges());
        assertEquals(12, bpe.stats().tokensLearned());
        assertEquals(8, bpe.stats().paddingTokens());
        assertEquals(277, bpe.vocabSize());
        assertEquals("es", bpe.tokens()[256]);
        assertEquals("lower", bpe.tokens()[267]);
        assertEquals(TokenType.UNUSED, bpe.vocabulary().types()[268]);
        assertEquals(276, bpe.specialId("<|endoftext|>"));
        assertEquals(276, bpe.tokenizer().eosId());
        Tokenizer tok = bpe.tokenizer();
        assertArrayEquals(new int[] {267}, tok.encode("lower"));
        assertArrayEquals(new int[] {'l', 265}, tok.encode("lwidest")); // l + widest
        assertArrayEquals(new int[] {262, 276, 259}, tok.encode("newest<|endoftext|>low", false, true));
        // with minimum pair count 2 the merges of count-2 pairs are still learned, none of count 1 exist
        assertEquals(12, BpeTrainer.train(corpus, BpeTrainer.Options.of(300, List.of())
                .withPreTokenization(PreTokenization.GPT2)).merges().length);
        // a vocabulary size that leaves room for fewer merges stops there
        TrainedBpe small = BpeTrainer.train(corpus, BpeTrainer.Options.of(256 + 3, List.of())
                .withPreTokenization(PreTokenization.GPT2));
        assertArrayEquals(Arrays.copyOf(expected, 3), small.merges());
    }

    private static void add(List<String> corpus, String word, int times) {
        for (int i = 0; i < times; i++) {
            corpus.add(word);
        }
    }

    @ParameterizedTest
    @EnumSource(PreTokenization.class)
    void incrementalCountsLearnWhatRecountingLearns(PreTokenization pre) {
        long seed = TrainerRandom.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 6; round++) {
            List<String> corpus = TrainerRandom.corpus(rnd, 20 + rnd.nextInt(120), 12);
            int minCount = 1 + rnd.nextInt(3);
            int newTokens = 1 + rnd.nextInt(150);
            TrainedBpe bpe = BpeTrainer.train(corpus, new BpeTrainer.Options(256 + newTokens + SPECIALS.size(),
                    SPECIALS, pre, 1 << 20, minCount, null, null, null, false));
            CorpusWords words = new CorpusWords(pre, SPECIALS);
            words.read(corpus.iterator(), Long.MAX_VALUE);
            Map<String, Long> counts = new TreeMap<>();
            words.counts.forEach((k, v) -> counts.put(k, v[0]));
            List<String> expected = NaiveBpe.merges(counts, newTokens, minCount, Set.copyOf(SPECIALS));
            assertEquals(expected, List.of(bpe.merges()), () -> pre + ": merges differ from the recounting reference; "
                    + TrainerRandom.replay(seed));
        }
    }

    @ParameterizedTest
    @EnumSource(PreTokenization.class)
    void decodeOfEncodeIsTheTextExactly(PreTokenization pre) {
        long seed = TrainerRandom.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        TrainedBpe bpe = BpeTrainer.train(TrainerRandom.corpus(rnd, 400, 20),
                BpeTrainer.Options.of(256 + 300 + SPECIALS.size(), SPECIALS).withPreTokenization(pre));
        Tokenizer tok = bpe.tokenizer();
        for (int i = 0; i < 500; i++) {
            String s = TrainerRandom.text(rnd, 30);
            if (rnd.nextInt(4) == 0) {
                s = s + SPECIALS.get(rnd.nextInt(SPECIALS.size())) + TrainerRandom.text(rnd, 5);
            }
            for (boolean parseSpecial : new boolean[] {false, true}) {
                String text = s;
                int[] ids = tok.encode(s, false, parseSpecial);
                assertEquals(s, tok.decode(ids), () -> pre + " round trip of '" + text + "'; "
                        + TrainerRandom.replay(seed));
            }
        }
    }

    @Test
    void sameCorpusInAnyOrderGivesTheSameVocabulary() {
        long seed = TrainerRandom.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        List<String> corpus = TrainerRandom.corpus(rnd, 300, 20);
        BpeTrainer.Options options = BpeTrainer.Options.of(256 + 200 + SPECIALS.size(), SPECIALS);
        TrainedBpe a = BpeTrainer.train(corpus, options);
        TrainedBpe b = BpeTrainer.train(corpus.stream(), options);
        List<String> shuffled = new ArrayList<>(corpus);
        Collections.shuffle(shuffled, new Random(rnd.nextLong()));
        TrainedBpe c = BpeTrainer.train(shuffled, options);
        assertArrayEquals(a.tokens(), b.tokens());
        assertArrayEquals(a.merges(), b.merges());
        assertArrayEquals(a.tokens(), c.tokens(), () -> "text order changed the vocabulary; "
                + TrainerRandom.replay(seed));
        assertArrayEquals(a.merges(), c.merges());
        assertTrue(a.stats().mergeRules() > 50, "the random corpus should yield merges, got " + a.stats());
    }

    @Test
    void specialTokensAreNeverSplitNorLearned() {
        List<String> corpus = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            corpus.add("<|im_start|>user hello there<|im_end|><|post|> post number " + i + "<|endoftext|>");
        }
        TrainedBpe bpe = BpeTrainer.train(corpus, BpeTrainer.Options.of(256 + 100 + SPECIALS.size(), SPECIALS)
                .withSpecialRoles(null, "<|endoftext|>", "<|im_end|>", false));
        for (String merge : bpe.merges()) {
            assertFalse(merge.contains("|>") || merge.contains("<|"), () -> "a merge spans a special's text: " + merge);
        }
        Tokenizer tok = bpe.tokenizer();
        int[] ids = tok.encode("<|im_start|>user hi<|im_end|><|post|>x<|endoftext|>", false, true);
        assertEquals(bpe.specialId("<|im_start|>"), ids[0]);
        assertEquals(bpe.specialId("<|endoftext|>"), ids[ids.length - 1]);
        long specials = Arrays.stream(ids).filter(id -> id >= bpe.vocabSize() - SPECIALS.size()).count();
        assertEquals(4, specials);
        for (String s : SPECIALS) {
            assertArrayEquals(new int[] {bpe.specialId(s)}, tok.encode(s, false, true));
            assertTrue(tok.isControl(bpe.specialId(s)));
            // without special parsing, a post that types the marker gets ordinary tokens
            assertTrue(Arrays.stream(tok.encode(s)).allMatch(id -> id < bpe.vocabSize() - SPECIALS.size()));
        }
        assertEquals(bpe.specialId("<|endoftext|>"), tok.eosId());
        assertTrue(tok.isEndOfGeneration(bpe.specialId("<|im_end|>")));
        assertEquals(bpe.vocabSize() - SPECIALS.size(), bpe.specialId("<|endoftext|>"));
    }

    @ParameterizedTest
    @EnumSource(PreTokenization.class)
    void theGgufVocabularyLoadsBackIdentically(PreTokenization pre, @TempDir Path dir) throws Exception {
        long seed = TrainerRandom.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        TrainedBpe bpe = BpeTrainer.train(TrainerRandom.corpus(rnd, 300, 20),
                BpeTrainer.Options.of(256 + 250 + SPECIALS.size(), SPECIALS).withPreTokenization(pre)
                        .withSpecialRoles("<|post|>", "<|endoftext|>", "<|im_end|>", true));
        Path gguf = dir.resolve("vocab.gguf");
        assertTrue(bpe.writeGguf(gguf, "trained") > 0);
        Tokenizer loaded = Tokenizers.fromGguf(gguf);
        Tokenizer direct = bpe.tokenizer();
        assertEquals(direct.vocabSize(), loaded.vocabSize());
        assertEquals(direct.bosId(), loaded.bosId());
        assertEquals(direct.eosId(), loaded.eosId());
        assertTrue(loaded.addsBosByDefault());
        for (int id = 0; id < direct.vocabSize(); id++) {
            assertEquals(direct.tokenText(id), loaded.tokenText(id));
            assertArrayEquals(direct.tokenBytes(id), loaded.tokenBytes(id));
            assertEquals(direct.isControl(id), loaded.isControl(id));
        }
        for (int i = 0; i < 300; i++) {
            String s = TrainerRandom.text(rnd, 30) + (i % 3 == 0 ? "<|post|>" + TrainerRandom.text(rnd, 5) : "");
            for (boolean special : new boolean[] {false, true}) {
                assertArrayEquals(direct.encode(s, true, special), loaded.encode(s, true, special),
                        () -> pre + ": GGUF tokenizer encodes '" + s + "' differently; " + TrainerRandom.replay(seed));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(PreTokenization.class)
    void theTokenizerJsonLoadsBackIdentically(PreTokenization pre, @TempDir Path dir) throws Exception {
        long seed = TrainerRandom.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        TrainedBpe bpe = BpeTrainer.train(TrainerRandom.corpus(rnd, 300, 20),
                BpeTrainer.Options.of(256 + 250 + SPECIALS.size(), SPECIALS).withPreTokenization(pre)
                        .withSpecialRoles("<|post|>", "<|endoftext|>", null, true));
        Path json = bpe.writeHuggingFace(dir);
        Tokenizer loaded = Tokenizers.fromHuggingFaceJson(json);
        Tokenizer direct = bpe.tokenizer();
        assertEquals(direct.vocabSize(), loaded.vocabSize());
        assertEquals(direct.eosId(), loaded.eosId());
        assertEquals(direct.bosId(), loaded.bosId());
        assertTrue(loaded.addsBosByDefault());
        for (int i = 0; i < 300; i++) {
            String s = TrainerRandom.text(rnd, 30) + (i % 3 == 0 ? "<|im_end|>" + TrainerRandom.text(rnd, 5) : "");
            assertArrayEquals(direct.encode(s, false, true), loaded.encode(s, false, true),
                    () -> pre + ": tokenizer.json encodes '" + s + "' differently; " + TrainerRandom.replay(seed));
        }
    }

    @Test
    void theByteLimitStopsReading() {
        List<String> corpus = List.of("aaaa", "bbbb", "cccc", "dddd");
        TrainedBpe bpe = BpeTrainer.train(corpus, BpeTrainer.Options.of(300, List.of()).withMaxCorpusBytes(9)
                .withMinPairCount(1));
        assertEquals(2, bpe.stats().textsRead());
        assertEquals(8, bpe.stats().bytesRead());
        assertTrue(bpe.stats().truncated());
        assertArrayEquals(new String[] {"a a", "b b", "aa aa", "bb bb"}, bpe.merges());
        TrainedBpe all = BpeTrainer.train(corpus, BpeTrainer.Options.of(300, List.of()));
        assertFalse(all.stats().truncated());
        assertEquals(16, all.stats().bytesRead());
    }

    @Test
    void badOptionsAreRejectedSayingWhy() {
        assertMessage("vocabulary size 257 is outside 258..", () -> BpeTrainer.Options.of(257, List.of("<|a|>", "<|b|>")));
        assertMessage("is given twice", () -> BpeTrainer.Options.of(400, List.of("<|a|>", "<|a|>")));
        assertMessage("has 0 chars", () -> BpeTrainer.Options.of(400, List.of("")));
        assertMessage("single ASCII char", () -> BpeTrainer.Options.of(400, List.of("x")));
        assertMessage("is not one of the special tokens", () -> BpeTrainer.Options.of(400, List.of("<|a|>"))
                .withSpecialRoles("<s>", null, null, true));
        assertMessage("corpus limit of -1 bytes", () -> BpeTrainer.Options.of(400, List.of()).withMaxCorpusBytes(-1));
        assertMessage("minimum pair count 0", () -> BpeTrainer.Options.of(400, List.of()).withMinPairCount(0));
        assertMessage("corpus text 1 is null", () -> BpeTrainer.train(Arrays.asList("a", null),
                BpeTrainer.Options.of(300, List.of())));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(part), () -> "message '" + ex.getMessage() + "' lacks '" + part + "'");
    }
}
