package dev.starling.llm.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.bench.RandomDecoder;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.model.ContextOverflowException;
import dev.starling.llm.model.KvCache;
import dev.starling.llm.model.Transformer;
import dev.starling.llm.tensor.ComputePool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generation loop on a small random model: greedy = argmax loop, stop strings, limits, seeds, batching, embeddings. */
class GenerationTest {
    @TempDir
    static Path dir;
    private static ComputePool pool;
    private static LlamaModel model;

    @BeforeAll
    static void load() throws Exception {
        Path p = dir.resolve("tiny.gguf");
        new RandomDecoder("llama", 256, 2, 4, 2, 64, 512, 512, 256, GgmlType.Q8_0, 11, false).write(p);
        pool = new ComputePool(2);
        // float activations: batched and solo decode then agree to float rounding, so greedy tokens match exactly
        model = LlamaModel.load(p, pool, 8, false);
    }

    @AfterAll
    static void close() {
        model.close();
        pool.close();
    }

    static int[] argmaxLoop(Transformer t, int[] prompt, int n) {
        KvCache c = t.newCache(prompt.length + n);
        float[] logits = t.prefill(c, prompt, 64);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = Sampler.argmax(logits);
            if (i + 1 < n) {
                logits = t.step(new KvCache[] {c}, new int[] {out[i]})[0];
            }
        }
        return out;
    }

    @Test
    void greedyGenerationIsTheArgmaxLoopAndStreamsItsText() {
        int[] prompt = {1, 300, 301, 302};
        StringBuilder streamed = new StringBuilder();
        GenerationResult r = model.generate(GenerationRequest.ofTokens(prompt, SamplingParams.greedy(), 20, List.of()),
                (id, text) -> {
                    streamed.append(text);
                    return true;
                });
        int[] want = argmaxLoop(model.transformer(), prompt, 20);
        // an end-of-generation token would end earlier; this random model has none among its top choices here
        assertArrayEquals(want, r.tokenIds(), "this prompt's greedy run must not hit an end-of-generation token");
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertEquals(20, r.completionTokens());
        assertEquals(4, r.promptTokens());
        assertEquals(r.text(), streamed.toString());
        assertTrue(r.prefillNanos() > 0 && r.decodeNanos() > 0);
    }

    @Test
    void stopStringEndsTheTextBeforeIt() {
        int[] prompt = {1, 310, 311};
        GenerationResult full = model.generate(GenerationRequest.ofTokens(prompt, SamplingParams.greedy(), 24, List.of()), TokenListener.NONE);
        String text = full.text();
        assertTrue(text.length() > 12, "need some text: " + text);
        String stop = text.substring(text.length() / 2, text.length() / 2 + 4);
        int at = text.indexOf(stop);
        StringBuilder streamed = new StringBuilder();
        GenerationResult r = model.generate(GenerationRequest.ofTokens(prompt, SamplingParams.greedy(), 24, List.of("zzzz-never", stop)),
                (id, piece) -> {
                    streamed.append(piece);
                    return true;
                });
        assertEquals(FinishReason.STOP, r.finishReason());
        assertEquals(text.substring(0, at), r.text());
        assertEquals(r.text(), streamed.toString(), "the stop string must never be streamed");
        assertTrue(r.completionTokens() < full.completionTokens());
    }

    @Test
    void seededSamplingIsReproducibleAndSeedsDiffer() {
        int[] prompt = {1, 320};
        SamplingParams s = new SamplingParams(1.0f, 0, 1f, 0f, 1f, 64, 42);
        GenerationResult a = model.generate(GenerationRequest.ofTokens(prompt, s, 16, List.of()), TokenListener.NONE);
        GenerationResult b = model.generate(GenerationRequest.ofTokens(prompt, s, 16, List.of()), TokenListener.NONE);
        GenerationResult c = model.generate(GenerationRequest.ofTokens(prompt, s.withSeed(43), 16, List.of()), TokenListener.NONE);
        assertArrayEquals(a.tokenIds(), b.tokenIds());
        assertFalse(java.util.Arrays.equals(a.tokenIds(), c.tokenIds()), "different seeds gave identical 16-token samples");
    }

    @Test
    void cancellingFromTheListenerStops() {
        int[] count = {0};
        GenerationResult r = model.generate(GenerationRequest.ofTokens(new int[] {1, 333}, SamplingParams.greedy(), 50, List.of()),
                (id, text) -> ++count[0] < 3);
        assertEquals(FinishReason.CANCELLED, r.finishReason());
        assertEquals(3, r.completionTokens());
    }

    @Test
    void concurrentRequestsAreBatchedAndEachEqualsItsSoloRun() throws Exception {
        List<CompletableFuture<GenerationResult>> fs = new ArrayList<>();
        int[][] prompts = new int[6][];
        for (int i = 0; i < prompts.length; i++) {
            prompts[i] = new int[] {1, 300 + 7 * i, 301 + i};
            fs.add(model.submit(GenerationRequest.ofTokens(prompts[i], SamplingParams.greedy(), 12 + i, List.of()), TokenListener.NONE));
        }
        for (int i = 0; i < prompts.length; i++) {
            GenerationResult r = fs.get(i).get();
            int[] solo = argmaxLoop(model.transformer(), prompts[i], 12 + i);
            int n = r.tokenIds().length;
            assertArrayEquals(java.util.Arrays.copyOf(solo, n), r.tokenIds(), "request " + i);
            if (r.finishReason() == FinishReason.STOP) { // ended by an end-of-generation token
                assertTrue(model.tokenizer().isEndOfGeneration(solo[n]), "request " + i + " stopped early without EOG");
            } else {
                assertEquals(12 + i, n);
            }
        }
    }

    @Test
    void promptLongerThanTheContextIsAClearError() {
        int[] prompt = new int[300]; // context is 256
        java.util.Arrays.fill(prompt, 300);
        ContextOverflowException e = assertThrows(ContextOverflowException.class,
                () -> model.generate(GenerationRequest.ofTokens(prompt, SamplingParams.greedy(), 5, List.of()), TokenListener.NONE));
        assertTrue(e.getMessage().contains("256"), e.getMessage());
        // generation that reaches the context end finishes with "length"
        int[] almost = new int[250];
        java.util.Arrays.fill(almost, 301);
        GenerationResult r = model.generate(GenerationRequest.ofTokens(almost, SamplingParams.greedy(), 100, List.of()), TokenListener.NONE);
        assertEquals(FinishReason.LENGTH, r.finishReason());
        // 250 prompt tokens in a 256-token cache: 6 more can be fed, and the 7th is sampled without being fed
        assertEquals(7, r.completionTokens());
        assertThrows(IllegalArgumentException.class, () -> GenerationRequest.ofTokens(new int[] {1}, null, 0, List.of()));
    }

    @Test
    void textPromptsAreTokenizedAndEmbeddingsAreUnitVectors() {
        GenerationResult r = model.generate(GenerationRequest.ofText("hello world", SamplingParams.greedy(), 4, List.of()), TokenListener.NONE);
        assertEquals(model.tokenize("hello world").length, r.promptTokens());
        float[] a = model.embed("hello world");
        float[] b = model.embed("hello world");
        float[] c = model.embed("something else entirely");
        assertEquals(model.config().dim(), a.length);
        double norm = 0;
        for (float v : a) {
            norm += v * v;
        }
        assertEquals(1.0, norm, 1e-4);
        assertArrayEquals(a, b);
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
    }
}
