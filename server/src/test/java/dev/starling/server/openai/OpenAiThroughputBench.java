package dev.starling.server.openai;

import dev.starling.ai.backend.ChatRequest;
import dev.starling.ai.backend.Completion;
import dev.starling.ai.backend.LocalBackend;
import dev.starling.ai.backend.OpenAiHttpBackend;
import dev.starling.ai.backend.SamplingParams;
import dev.starling.ai.chat.ChatMessage;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Aggregate generation throughput through the whole /v1 stack (HTTP, SSE, backend, the engine's batch scheduler):
 * streamed chat completions with 1 and with N concurrent clients on a synthetic model. Not a test; run by hand:
 * {@code java -cp <server test classpath> dev.starling.server.openai.OpenAiThroughputBench [shape] [type] [streams] [tokens]}.
 */
public final class OpenAiThroughputBench {

    private OpenAiThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        Shape shape = Shape.byName(args.length > 0 ? args[0] : "small-llama");
        GgmlType type = GgmlType.valueOf(args.length > 1 ? args[1] : "Q8_0");
        int streams = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int tokens = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        Path dir = Files.createTempDirectory("starling-openai-bench");
        Path model = dir.resolve("model.gguf");
        SyntheticModel.write(shape, type, null, 1, model);
        if (Boolean.getBoolean("bench.engine")) { // the engine alone, for comparison
            try (var m = dev.starling.llm.generate.LlamaModel.load(model);
                 ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                double[] rates = new double[3];
                int[] counts = {1, 1, streams};
                for (int r = 0; r < 3; r++) {
                    long t0 = System.nanoTime();
                    List<Future<dev.starling.llm.generate.GenerationResult>> fs = new ArrayList<>();
                    for (int i = 0; i < counts[r]; i++) {
                        String prompt = "Tell me story number " + i;
                        fs.add(pool.submit(() -> m.generate(dev.starling.llm.generate.GenerationRequest.ofText(prompt,
                                dev.starling.llm.generate.SamplingParams.greedy(), tokens, List.of("\u0000")),
                                dev.starling.llm.generate.TokenListener.NONE)));
                    }
                    long n = 0;
                    for (var f : fs) {
                        n += f.get().completionTokens();
                    }
                    rates[r] = n / ((System.nanoTime() - t0) / 1e9);
                }
                System.out.printf(Locale.ROOT, "{\"engine_one_tok_s\": %.2f, \"engine_aggregate_tok_s\": %.2f}%n",
                        rates[1], rates[2]);
            }
        }
        try (LocalBackend local = LocalBackend.open(model, LocalBackend.Options.defaults().withModelId("m"));
             OpenAiTestServer server = new OpenAiTestServer(local, OpenAiLimits.DEFAULT);
             OpenAiHttpBackend client = new OpenAiHttpBackend(server.baseUrl(), null, 2_000, 600_000);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            boolean direct = Boolean.getBoolean("bench.direct"); // in-process LocalBackend, no HTTP
            dev.starling.ai.backend.ModelBackend target = direct ? local : client;
            run(target, pool, 1, tokens); // warm-up
            double one = run(target, pool, 1, tokens);
            double many = run(target, pool, streams, tokens);
            System.out.printf(Locale.ROOT, "{\"shape\": \"%s\", \"type\": \"%s\", \"tokens_per_request\": %d, "
                    + "\"one_stream_tok_s\": %.2f, \"streams\": %d, \"aggregate_tok_s\": %.2f, \"ratio\": %.2f}%n",
                    shape.name(), type, tokens, one, streams, many, many / one);
        } finally {
            Files.deleteIfExists(model);
            Files.deleteIfExists(dir);
        }
    }

    /** Completion tokens per second over all clients, each streaming one chat answer. */
    private static double run(dev.starling.ai.backend.ModelBackend client, ExecutorService pool, int clients,
            int tokens)
            throws Exception {
        long t0 = System.nanoTime();
        List<Future<Completion>> futures = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int n = i;
            futures.add(pool.submit(() -> client.chat(new ChatRequest("m",
                    List.of(ChatMessage.user("Tell me story number " + n)),
                    SamplingParams.greedy(tokens).withStop(List.of("\u0000"))), text -> { }).orElseThrow()));
        }
        long generated = 0;
        for (Future<Completion> f : futures) {
            generated += f.get().usage().completionTokens();
        }
        return generated / ((System.nanoTime() - t0) / 1e9);
    }
}
