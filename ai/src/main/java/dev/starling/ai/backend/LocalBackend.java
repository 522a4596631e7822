package dev.starling.ai.backend;

import dev.starling.ai.chat.ChatTemplate;
import dev.starling.ai.chat.ChatTemplateLimits;
import dev.starling.ai.chat.RenderOutcome;
import dev.starling.llm.generate.GenerationRequest;
import dev.starling.llm.generate.GenerationResult;
import dev.starling.llm.generate.LlamaModel;
import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.model.ContextOverflowException;
import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The engine in this process as a {@link ModelBackend}: one GGUF model loaded by the engine's {@link LlamaModel}
 * (memory-mapped; concurrent requests decoded together by its batch scheduler), the model's tokenizer and its chat
 * template ({@code tokenizer.chat_template}, ChatML when the file has none).
 *
 * <p>Text reaches the {@link DeltaListener} on the caller's thread, never on the engine's decode thread: a slow
 * client (an SSE stream over a bad network) cannot stall the other sequences of the batch. At most
 * {@link Options#maxConcurrent()} requests are in flight; more wait up to {@link Options#queueTimeoutMillis()} and
 * are then refused as overloaded.
 *
 * <p>A chat request with {@link CopyEvidence} is decoded with a {@link CopyMixture}: the model's next-token
 * distribution mixed with one that continues spans of the evidence texts.
 */
public final class LocalBackend implements ModelBackend {

    /** How long the caller's thread waits for the next piece of text before checking for cancellation. */
    private static final long POLL_MILLIS = 50;
    /** Tokens the repetition penalty looks back over (llama.cpp's default). */
    private static final int REPETITION_WINDOW = 64;

    /**
     * @param modelId            the name requests use; null for the file name without {@code .gguf}
     * @param maxConcurrent      generations running at once
     * @param queueTimeoutMillis how long a request waits for a free slot
     * @param templateLimits     what the chat template may cost
     * @param clock              for {@code created} and the template's {@code strftime_now}
     */
    public record Options(String modelId, int maxConcurrent, long queueTimeoutMillis, ChatTemplateLimits templateLimits,
            Clock clock) {

        public static Options defaults() {
            return new Options(null, 32, 30_000, ChatTemplateLimits.DEFAULT, Clock.systemUTC());
        }

        public Options withModelId(String id) {
            return new Options(id, maxConcurrent, queueTimeoutMillis, templateLimits, clock);
        }

        public Options withClock(Clock c) {
            return new Options(modelId, maxConcurrent, queueTimeoutMillis, templateLimits, c);
        }
    }

    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final boolean templateFromModel;
    private final ModelInfo info;
    private final Semaphore slots;
    private final Options options;

    private LocalBackend(LlamaModel model, ChatTemplate template, boolean templateFromModel, ModelInfo info,
            Options options) {
        this.model = model;
        this.tokenizer = model.tokenizer();
        this.template = template;
        this.templateFromModel = templateFromModel;
        this.info = info;
        this.options = options;
        this.slots = new Semaphore(options.maxConcurrent(), true);
    }

    /**
     * Loads a model.
     *
     * @throws IOException a format error naming the file and what is wrong or unsupported
     */
    public static LocalBackend open(Path modelFile, Options options) throws IOException {
        Objects.requireNonNull(options, "options");
        String source;
        try (GgufFile gguf = GgufFile.open(modelFile)) {
            source = gguf.metadata().getString("tokenizer.chat_template", null);
        }
        LlamaModel model = LlamaModel.load(modelFile, ComputePool.shared(), LlamaModel.DEFAULT_MAX_BATCH);
        try {
            Tokenizer tokenizer = model.tokenizer();
            String bos = tokenizer.bosId() >= 0 ? tokenizer.tokenText(tokenizer.bosId()) : "";
            String eos = tokenizer.eosId() >= 0 ? tokenizer.tokenText(tokenizer.eosId()) : "";
            ChatTemplate template = ChatTemplate.of(source == null ? ChatTemplate.CHATML : source, bos, eos,
                    options.templateLimits(), options.clock());
            String fileName = modelFile.getFileName().toString();
            String id = options.modelId() != null ? options.modelId()
                    : fileName.endsWith(".gguf") ? fileName.substring(0, fileName.length() - 5) : fileName;
            ModelInfo info = new ModelInfo(id, options.clock().instant().getEpochSecond(), "starling");
            return new LocalBackend(model, template, source != null, info, options);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    public ModelInfo info() {
        return info;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public ModelConfig config() {
        return model.config();
    }

    /** Whether the chat template came from the model file (false: the ChatML fallback). */
    public boolean hasOwnChatTemplate() {
        return templateFromModel;
    }

    /** The prompt a chat request becomes: the conversation through the model's chat template, ready to answer. */
    public RenderOutcome renderChat(List<dev.starling.ai.chat.ChatMessage> messages) {
        return template.render(messages, true);
    }

    /**
     * The token ids a prompt becomes, as generation tokenizes it: special-token text recognized, BOS added when the
     * vocabulary asks for one and the text does not already begin with it (templates that write it themselves).
     */
    public int[] promptIds(String prompt) {
        String bosText = tokenizer.bosId() >= 0 ? tokenizer.tokenText(tokenizer.bosId()) : null;
        boolean addBos = tokenizer.addsBosByDefault() && (bosText == null || !prompt.startsWith(bosText));
        return tokenizer.encode(prompt, addBos, true);
    }

    @Override
    public BackendResult<List<ModelInfo>> models() {
        return BackendResult.ok(List.of(info));
    }

    @Override
    public BackendResult<Completion> chat(ChatRequest request, DeltaListener listener) {
        if (!request.model().equals(info.id())) {
            return BackendResult.err(BackendError.modelNotFound(request.model()));
        }
        if (request.messages().isEmpty()) {
            return BackendResult.err(BackendError.invalid("messages", "messages must not be empty"));
        }
        RenderOutcome rendered = renderChat(request.messages());
        return switch (rendered) {
            case RenderOutcome.Failed f -> BackendResult.err(BackendError.invalid("messages", f.reason()));
            case RenderOutcome.Rendered r -> generate(r.text(), request.sampling(), request.copy(), listener);
        };
    }

    @Override
    public BackendResult<Completion> complete(CompletionRequest request, DeltaListener listener) {
        if (!request.model().equals(info.id())) {
            return BackendResult.err(BackendError.modelNotFound(request.model()));
        }
        return generate(request.prompt(), request.sampling(), null, listener);
    }

    @Override
    public BackendResult<Embeddings> embed(EmbeddingRequest request) {
        if (!request.model().equals(info.id())) {
            return BackendResult.err(BackendError.modelNotFound(request.model()));
        }
        if (request.inputs().isEmpty()) {
            return BackendResult.err(BackendError.invalid("input", "no inputs to embed"));
        }
        return withSlot(() -> {
            ArrayList<float[]> vectors = new ArrayList<>();
            int tokens = 0;
            for (int i = 0; i < request.inputs().size(); i++) {
                int[] ids = tokenizer.encode(request.inputs().get(i), tokenizer.addsBosByDefault(), false);
                if (ids.length == 0) {
                    return BackendResult.err(BackendError.invalid("input", "input " + i + " has no tokens"));
                }
                if (ids.length > config().contextLength()) {
                    return BackendResult.err(new BackendError(BackendError.Kind.CONTEXT_LENGTH_EXCEEDED, "input " + i
                            + " is " + ids.length + " tokens, the model's context is " + config().contextLength(),
                            "input"));
                }
                vectors.add(model.embed(ids));
                tokens += ids.length;
            }
            return BackendResult.ok(new Embeddings(info.id(), vectors, new Usage(tokens, 0)));
        });
    }

    private BackendResult<Completion> generate(String prompt, SamplingParams sampling, CopyEvidence copy,
            DeltaListener listener) {
        var invalid = sampling.validate(Integer.MAX_VALUE);
        if (invalid.isPresent()) {
            return BackendResult.err(invalid.get());
        }
        if (sampling.frequencyPenalty() != 0) {
            return BackendResult.err(new BackendError(BackendError.Kind.UNSUPPORTED,
                    "frequency_penalty is not supported by the local engine; use repetition_penalty", "frequency_penalty"));
        }
        if (sampling.presencePenalty() != 0) {
            return BackendResult.err(new BackendError(BackendError.Kind.UNSUPPORTED,
                    "presence_penalty is not supported by the local engine; use repetition_penalty", "presence_penalty"));
        }
        int[] promptIds = promptIds(prompt);
        if (promptIds.length == 0) {
            return BackendResult.err(BackendError.invalid("prompt", "the prompt has no tokens"));
        }
        int context = config().contextLength();
        if (promptIds.length >= context) {
            return BackendResult.err(new BackendError(BackendError.Kind.CONTEXT_LENGTH_EXCEEDED, "the prompt is "
                    + promptIds.length + " tokens; the model's context is " + context + " tokens", "messages"));
        }
        CopyMixture mixture = null;
        if (copy != null && copy.active()) {
            try {
                mixture = CopyMixture.of(tokenizer, copy.texts(), copy.weight(), copy.maxMatch());
            } catch (IllegalArgumentException e) {
                return BackendResult.err(BackendError.invalid("copy", e.getMessage()));
            }
        }
        CopyMixture m = mixture;
        return withSlot(() -> run(promptIds, sampling, m, listener));
    }

    private static dev.starling.llm.generate.SamplingParams engineSampling(SamplingParams p) {
        long seed = p.seed().orElseGet(() -> ThreadLocalRandom.current().nextLong());
        return new dev.starling.llm.generate.SamplingParams((float) p.temperature(), p.topK(), (float) p.topP(),
                (float) p.minP(), (float) p.repetitionPenalty(), REPETITION_WINDOW, seed);
    }

    /** Submits to the engine's batch and relays its text to {@code listener} on this thread. */
    private BackendResult<Completion> run(int[] promptIds, SamplingParams sampling, CopyMixture mixture,
            DeltaListener listener) {
        int maxTokens = Math.min(sampling.maxTokens(), Math.min(config().contextLength(), GenerationRequest.MAX_TOKENS));
        GenerationRequest request = GenerationRequest.ofTokens(promptIds, engineSampling(sampling), maxTokens,
                sampling.stop());
        if (mixture != null) {
            request = request.withProcessor(mixture);
        }
        LinkedBlockingQueue<String> pieces = new LinkedBlockingQueue<>();
        AtomicBoolean cancel = new AtomicBoolean();
        CompletableFuture<GenerationResult> future = model.submit(request, (id, text) -> {
            if (!text.isEmpty()) {
                pieces.add(text);
            }
            return !cancel.get();
        });
        boolean relayed = false;
        try {
            while (true) {
                String piece = pieces.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (piece != null) {
                    listener.onDelta(piece);
                } else if (future.isDone()) {
                    // the engine queues its last text before completing the future
                    for (String rest = pieces.poll(); rest != null; rest = pieces.poll()) {
                        listener.onDelta(rest);
                    }
                    break;
                }
                if (listener.cancelled()) {
                    cancel.set(true);
                }
            }
            relayed = true;
            GenerationResult r = future.get();
            FinishReason finish = switch (r.finishReason()) {
                case LENGTH -> FinishReason.LENGTH;
                case STOP, CANCELLED -> FinishReason.STOP;
            };
            return BackendResult.ok(new Completion(info.id(), r.text(), finish,
                    new Usage(r.promptTokens(), r.completionTokens())));
        } catch (InterruptedException e) {
            cancel.set(true);
            Thread.currentThread().interrupt();
            return BackendResult.err(new BackendError(BackendError.Kind.UNAVAILABLE, "interrupted while generating", null));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ContextOverflowException overflow) {
                return BackendResult.err(new BackendError(BackendError.Kind.CONTEXT_LENGTH_EXCEEDED,
                        overflow.getMessage(), "messages"));
            }
            if (cause instanceof IllegalArgumentException bad) {
                return BackendResult.err(BackendError.invalid(null, bad.getMessage()));
            }
            return BackendResult.err(new BackendError(BackendError.Kind.INTERNAL, "generation failed: " + cause, null));
        } finally {
            if (!relayed) {
                cancel.set(true); // the listener threw: nobody is reading any more
            }
        }
    }

    private <T> BackendResult<T> withSlot(java.util.function.Supplier<BackendResult<T>> work) {
        boolean acquired;
        try {
            acquired = slots.tryAcquire(options.queueTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return BackendResult.err(new BackendError(BackendError.Kind.UNAVAILABLE, "interrupted while waiting", null));
        }
        if (!acquired) {
            return BackendResult.err(new BackendError(BackendError.Kind.OVERLOADED, options.maxConcurrent()
                    + " requests are running and none finished within " + options.queueTimeoutMillis() + " ms", null));
        }
        try {
            return work.get();
        } finally {
            slots.release();
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
