package dev.starling.llm.eval;

import dev.starling.llm.generate.LlamaModel;
import dev.starling.llm.model.KvCache;
import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.model.RopeStyle;
import dev.starling.llm.model.Transformer;
import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.tokenizer.train.BpeTrainer;
import dev.starling.llm.tokenizer.train.TrainedBpe;
import dev.starling.llm.train.GgufExport;
import dev.starling.llm.train.LlamaParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LmEvaluationTest {

    @TempDir
    Path dir;

    private static List<String> posts(SplittableRandom rnd, int n) {
        String[] words = {"hello", "world", "starling", "posts", "today", "🙂", "über", "#java", "@ana", "lol", "42"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            int k = 1 + rnd.nextInt(12);
            for (int j = 0; j < k; j++) {
                sb.append(j == 0 ? "" : " ").append(words[rnd.nextInt(words.length)]);
            }
            out.add(sb.toString());
        }
        return out;
    }

    /** A tiny Llama with the trained vocabulary; output weights zeroed when uniform (then every logit is 0). */
    private Path model(TrainedBpe bpe, long seed, boolean uniform, int context) throws Exception {
        ModelConfig c = new ModelConfig("llama", 32, 2, 4, 2, 8, 64, bpe.vocabSize(), context, 1e-5f, 10000f, 8, 1f,
                RopeStyle.NORMAL, false);
        LlamaParameters p = new LlamaParameters(c, false);
        p.initialize(seed, 0.3);
        if (uniform) {
            Arrays.fill(p.output().value(), 0f);
        }
        Path out = dir.resolve("m" + seed + uniform + ".gguf");
        GgufExport.write(p, bpe.modelVocabulary(), "eval-test", out);
        return out;
    }

    @Test
    void aUniformModelCostsLog2VocabPerTokenSoBitsPerByteIsThatOverBytesPerToken() throws Exception {
        long seed = KneserNeyTest.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        List<String> train = posts(rnd, 300);
        TrainedBpe bpe = BpeTrainer.train(train, BpeTrainer.Options.of(300, List.of("<|endoftext|>")));
        HeldOutText held = HeldOutText.of(posts(rnd, 40));
        try (ComputePool pool = new ComputePool(1); LlamaModel m = LlamaModel.load(model(bpe, seed, true, 64), pool, 1,
                false)) {
            BitsPerByte r = LmEvaluation.model("uniform", m.transformer(), m.tokenizer(), held, 64, 32, null);
            int[] tokens = held.tokenStream(m.tokenizer());
            assertEquals(tokens.length - 1, r.symbols());
            double bytesPerToken = (double) held.bytes() / r.symbols();
            double expected = Math.log(bpe.vocabSize()) / Math.log(2) / bytesPerToken;
            assertEquals(expected, r.bitsPerByte(), 1e-9 * expected, r.format());
            System.out.println(r.format());
        }
    }

    /** With a post-start token each post is framed START text SEP, as training packs posts; without, SEP text SEP. */
    @Test
    void postsAreFramedAsTrainingPacksThem() {
        long seed = KneserNeyTest.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        List<String> lines = posts(rnd, 30);
        TrainedBpe bpe = BpeTrainer.train(lines, BpeTrainer.Options.of(300, List.of("<|endoftext|>", "<|post|>")));
        var tok = bpe.tokenizer();
        int start = tok.specialId("<|post|>").orElseThrow();
        int sep = HeldOutText.separatorId(tok);
        HeldOutText held = HeldOutText.of(lines);
        int[] plain = held.tokenStream(tok);
        int[] framed = held.tokenStream(tok, start);
        assertEquals(plain.length + lines.size() - 1, framed.length, "one START per post instead of the leading SEP");
        int at = 0;
        int plainAt = 1;
        for (String line : lines) {
            int[] text = tok.encode(line, false, false);
            assertEquals(start, framed[at++], "START before " + line);
            for (int id : text) {
                assertEquals(id, framed[at++], line);
                assertEquals(id, plain[plainAt++], line);
            }
            assertEquals(sep, framed[at++], "SEP after " + line);
            assertEquals(sep, plain[plainAt++], "SEP after " + line);
        }
        assertEquals(plain.length, plainAt);
        assertEquals(framed.length, at);
        assertThrows(IllegalArgumentException.class, () -> held.tokenStream(tok, tok.vocabSize()));
    }

    /**
     * Every token after the first is scored once, given exactly the context of the window that scores it: checked
     * against a fresh forward pass over that context for each token.
     */
    @Test
    void windowsScoreEachTokenOnceWithTheirContext() throws Exception {
        long seed = KneserNeyTest.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        TrainedBpe bpe = BpeTrainer.train(posts(rnd, 200), BpeTrainer.Options.of(290, List.of("<|endoftext|>")));
        try (ComputePool pool = new ComputePool(1); LlamaModel m = LlamaModel.load(model(bpe, seed, false, 32), pool, 1,
                false)) {
            Transformer t = m.transformer();
            int n = 20 + rnd.nextInt(60);
            int[] tokens = new int[n];
            for (int i = 0; i < n; i++) {
                tokens[i] = rnd.nextInt(bpe.vocabSize());
            }
            int window = 4 + rnd.nextInt(29);
            int stride = 1 + rnd.nextInt(window - 1);
            double actual = WindowedScorer.score(t, tokens, window, stride, null).bits();
            double expected = 0;
            int scoredUpTo = 1;
            for (int begin = 0; scoredUpTo < n; begin += stride) {
                int end = Math.min(begin + window, n);
                for (int j = Math.max(scoredUpTo, begin + 1); j < end; j++) {
                    int[] ctx = Arrays.copyOfRange(tokens, begin, j);
                    KvCache cache = t.newCache(ctx.length);
                    float[] logits = t.prefill(cache, ctx, 1);
                    expected += WindowedScorer.negLog2Softmax(logits, 0, t.config().vocabSize(), tokens[j]);
                }
                scoredUpTo = Math.max(scoredUpTo, end);
            }
            String where = "window " + window + " stride " + stride + " n " + n + ", seed " + Long.toHexString(seed);
            assertEquals(expected, actual, 1e-4 * expected, where);
            var e = assertThrows(IllegalArgumentException.class, () -> WindowedScorer.score(t, tokens, 33, 8, null));
            assertTrue(e.getMessage().contains("outside 2..32"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> WindowedScorer.score(t, tokens, 8, 8, null));
        }
    }

    @Test
    void theTokenNgramAndTheByteNgramCodeTheSameBytes() {
        SplittableRandom rnd = new SplittableRandom(3);
        List<String> train = posts(rnd, 500);
        HeldOutText t = HeldOutText.of(train);
        HeldOutText h = HeldOutText.of(posts(rnd, 100));
        TrainedBpe bpe = BpeTrainer.train(train, BpeTrainer.Options.of(400, List.of("<|endoftext|>")));
        BitsPerByte bytes = LmEvaluation.ngramOverBytes(t, h, 5);
        BitsPerByte tokens = LmEvaluation.ngramOverTokens(bpe.tokenizer(), t, h, 5);
        System.out.println(bytes.format());
        System.out.println(tokens.format());
        assertEquals(bytes.bytes(), tokens.bytes());
        assertEquals(h.bytes(), bytes.symbols());
        assertTrue(tokens.symbols() < bytes.symbols() / 2);
        // random word salad from 11 words: both find most of the structure; neither is absurd
        assertTrue(bytes.bitsPerByte() > 0.1 && bytes.bitsPerByte() < 2, bytes.format());
        assertTrue(tokens.bitsPerByte() > 0.1 && tokens.bitsPerByte() < 2, tokens.format());
    }
}
