package dev.starling.llm.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.starling.llm.bench.RandomDecoder;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.tensor.ComputePool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The logits hook: a processor sees each step's logits and the history before the sampler, per sequence. */
class LogitsProcessorTest {

    @TempDir
    Path dir;

    @Test
    void theProcessorRunsBeforeSamplingOnItsOwnSequenceOnly() throws Exception {
        Path p = dir.resolve("tiny.gguf");
        new RandomDecoder("llama", 256, 2, 4, 2, 64, 512, 512, 256, GgmlType.Q8_0, 11, false).write(p);
        try (ComputePool pool = new ComputePool(2); LlamaModel model = LlamaModel.load(p, pool, 8, false)) {
            int[] prompt = {1, 300, 301, 302};
            List<String> seen = new ArrayList<>();
            // forces the output 400, 401, 402, ...: greedy and sampled decoding alike follow the processed logits
            LogitsProcessor force = (logits, history, promptTokens, length) -> {
                seen.add(promptTokens + ":" + length + ":" + Arrays.toString(Arrays.copyOfRange(history, 0, length)));
                Arrays.fill(logits, -1e9f);
                logits[400 + length - promptTokens] = 0f;
            };
            GenerationRequest forced = GenerationRequest.ofTokens(prompt, SamplingParams.greedy(), 5, List.of()).withProcessor(force);
            GenerationRequest plain = GenerationRequest.ofTokens(prompt, SamplingParams.greedy(), 5, List.of());
            // decoded in one batch with a plain sequence, which the processor must not touch
            CompletableFuture<GenerationResult> a = model.submit(forced, TokenListener.NONE);
            CompletableFuture<GenerationResult> b = model.submit(plain, TokenListener.NONE);
            assertArrayEquals(new int[] {400, 401, 402, 403, 404}, a.get().tokenIds());
            assertArrayEquals(GenerationTest.argmaxLoop(model.transformer(), prompt, 5), b.get().tokenIds());
            assertEquals(List.of("4:4:[1, 300, 301, 302]", "4:5:[1, 300, 301, 302, 400]", "4:6:[1, 300, 301, 302, 400, 401]",
                    "4:7:[1, 300, 301, 302, 400, 401, 402]", "4:8:[1, 300, 301, 302, 400, 401, 402, 403]"), seen);
            SamplingParams sampled = new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1.1f, 64, 5);
            GenerationResult s = model.generate(GenerationRequest.ofTokens(prompt, sampled, 3, List.of()).withProcessor(
                    (logits, history, promptTokens, length) -> {
                        Arrays.fill(logits, -1e9f);
                        logits[500] = 0f;
                    }), TokenListener.NONE);
            assertArrayEquals(new int[] {500, 500, 500}, s.tokenIds());
        }
    }
}
