package dev.starling.app.model;

import dev.starling.ai.backend.BackendResult;
import dev.starling.ai.backend.LocalBackend;
import dev.starling.ai.backend.ModelBackend;
import dev.starling.ai.backend.ModelInfo;
import dev.starling.ai.backend.OpenAiHttpBackend;
import dev.starling.ai.registry.ModelEntry;
import dev.starling.ai.registry.ModelFiles;
import dev.starling.ai.registry.ModelRegistry;
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

    @Option(names = "--model-context", defaultValue = "8192", paramLabel = "TOKENS",
            description = "Context length of the --model-upstream model (prompts are cut to fit). Default: ${DEFAULT-VALUE}")
    int upstreamContextTokens;

    @Option(names = "--prompts-dir", paramLabel = "DIR",
            description = "Read prompt files (NAME.txt) from this directory before the shipped ones; edits apply without a restart")
    Path promptsDir;

    @Option(names = "--ai-budget", paramLabel = "SPEC",
            description = "Daily AI budget per account: feature=requests/tokens,... (e.g. default=100/100000,assistant=20/20000)")
    String aiBudget;

    /** The model name used with an upstream that could not be asked for its models at start (and no --model-id). */
    public static final String UPSTREAM_DEFAULT_ID = "default";

    /** The operator's prompt directory, or null for the shipped prompts only. */
    public Path promptsDir() {
        return promptsDir;
    }

    /** The {@code --ai-budget} setting, or null for the defaults. */
    public String aiBudget() {
        return aiBudget;
    }

    /**
     * A backend, what the model registry knows of it, and its {@code /v1} routes; or none when no model was asked
     * for. Close it after the server stops.
     */
    public record Serving(ModelBackend backend, ModelEntry entry, List<RouteModule> routes) implements AutoCloseable {
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
        if (upstreamContextTokens < 64) {
            throw new IllegalArgumentException("--model-context must be at least 64 tokens");
        }
        ModelBackend backend;
        ModelEntry entry;
        if (model != null) {
            entry = ModelFiles.describe(model, modelId);
            backend = LocalBackend.open(model, LocalBackend.Options.defaults().withModelId(entry.id()));
        } else if (upstream != null) {
            backend = new OpenAiHttpBackend(upstream, upstreamKey, 5_000, 600_000);
            String id = modelId;
            if (id == null) {
                BackendResult<List<ModelInfo>> models = backend.models();
                if (models instanceof BackendResult.Ok<List<ModelInfo>> ok && !ok.value().isEmpty()) {
                    id = ok.value().getFirst().id();
                } else {
                    // the upstream may come up later; servers like llama.cpp's accept any model name
                    id = UPSTREAM_DEFAULT_ID;
                    System.err.println("starling: could not list the models of " + upstream + "; AI features will ask for model '"
                            + id + "' (give its name with --model-id)");
                }
            }
            entry = ModelRegistry.remoteEntry(id, upstream, upstreamContextTokens);
        } else {
            return new Serving(null, null, List.of());
        }
        return new Serving(backend, entry, List.of(new OpenAiRoutes(backend, limits, apiKey, java.time.Clock.systemUTC())));
    }
}
