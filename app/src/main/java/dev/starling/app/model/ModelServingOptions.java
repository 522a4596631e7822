package dev.starling.app.model;

import dev.starling.ai.backend.LocalBackend;
import dev.starling.ai.backend.ModelBackend;
import dev.starling.ai.backend.OpenAiHttpBackend;
import dev.starling.server.RouteModule;
import dev.starling.server.openai.OpenAiLimits;
import dev.starling.server.openai.OpenAiRoutes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The model flags of {@code starling serve}, as a picocli mixin: {@code --model PATH.gguf} serves that model
 * in-process under {@code /v1}; {@code --model-upstream URL} puts any OpenAI-compatible server (vLLM, llama.cpp)
 * behind the same {@code /v1} instead. Use: {@code @Mixin ModelServingOptions model;} then
 * {@code try (ModelServingOptions.Serving s = model.open()) { Starling.start(db, options, s.routes()); ... }}.
 */
public final class ModelServingOptions {

    @Option(names = "--model", paramLabel = "PATH.gguf", description = "Serve this GGUF model under /v1 (OpenAI-compatible API)")
    Path model;

    @Option(names = "--model-id", description = "The model name clients use (default: the file name without .gguf)")
    String modelId;

    @Option(names = "--model-upstream", paramLabel = "URL", description = "Serve /v1 from this OpenAI-compatible server instead (e.g. http://gpu:8000/v1)")
    String upstream;

    @Option(names = "--model-upstream-key", paramLabel = "KEY", description = "Bearer key for --model-upstream")
    String upstreamKey;

    @Option(names = "--model-api-key", paramLabel = "KEY", description = "Require this bearer key on /v1 (default: none; fine on loopback)")
    String apiKey;

    @Option(names = "--max-completion-tokens", defaultValue = "4096", description = "Largest max_tokens a /v1 request may ask for. Default: ${DEFAULT-VALUE}")
    int maxTokensCap;

    /** A backend and its routes, or none when no model was asked for. Close it after the server stops. */
    public record Serving(ModelBackend backend, List<RouteModule> routes) implements AutoCloseable {
        @Override
        public void close() {
            if (backend != null) {
                backend.close();
            }
        }
    }

    /**
     * Loads the model (or connects the upstream).
     *
     * @throws IOException when the model file cannot be loaded (the message names the file and the problem)
     */
    public Serving open() throws IOException {
        if (model != null && upstream != null) {
            throw new IllegalArgumentException("give --model or --model-upstream, not both");
        }
        OpenAiLimits d = OpenAiLimits.DEFAULT;
        if (maxTokensCap < 1) {
            throw new IllegalArgumentException("--max-completion-tokens must be at least 1");
        }
        OpenAiLimits limits = new OpenAiLimits(d.maxBodyBytes(), maxTokensCap, Math.min(d.defaultMaxTokens(),
                maxTokensCap), d.maxPromptChars(), d.maxMessages(), d.maxEmbeddingInputs());
        ModelBackend backend;
        if (model != null) {
            backend = LocalBackend.open(model, LocalBackend.Options.defaults().withModelId(modelId));
        } else if (upstream != null) {
            backend = new OpenAiHttpBackend(upstream, upstreamKey, 5_000, 600_000);
        } else {
            return new Serving(null, List.of());
        }
        return new Serving(backend, List.of(new OpenAiRoutes(backend, limits, apiKey, java.time.Clock.systemUTC())));
    }
}
