package dev.starling.ai.backend;

import dev.starling.ai.chat.ChatTemplate;
import dev.starling.ai.chat.ChatTemplateLimits;
import dev.starling.ai.chat.RenderOutcome;
import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.model.ContextOverflowException;
import dev.starling.llm.model.KvCache;
import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.model.ModelWeights;
import dev.starling.llm.model.Transformer;
import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.tokenizer.StreamingDecoder;
import dev.starling.llm.tokenizer.Tokenizer;
import dev.starling.llm.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The engine in this process as a {@link ModelBackend}: one GGUF model, memory-mapped, its tokenizer and its chat
 * template ({@code tokenizer.chat_template}, ChatML when the file has none). Requests run concurrently up to
 * {@link Options#maxConcurrent()}; more wait up to {@link Options#queueTimeoutMillis()} and are then refused as
 * overloaded.
 */
public final class LocalBackend implements ModelBackend {

    /** Prompt tokens processed per forward call during prefill. */
    private static final int PREFILL_CHUNK = 256;

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
            return new Options(null, 4, 30_000, ChatTemplateLimits.DEFAULT, Clock.systemUTC());
        }

        public Options withModelId(String id) {
            return new Options(id, maxConcurrent, queueTimeoutMillis, templateLimits, clock);
        }

        public Options withClock(Clock c) {
            return new Options(modelId, maxConcurrent, queueTimeoutMillis, templateLimits, c);
        }
    }

    private final GgufFile gguf;
    private final Transformer transformer;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final boolean templateFromModel;
    private final ModelInfo info;
    private final Semaphore slots;
    private final Options options;

    private LocalBackend(GgufFile gguf, Transformer transformer, Tokenizer tokenizer, ChatTemplate template,
            boolean templateFromModel, ModelInfo info, Options options) {
        this.gguf = gguf;
        this.transformer = transformer;
        this.tokenizer = tokenizer;
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
        GgufFile gguf = GgufFile.open(modelFile);
        try {
            ModelConfig config = ModelConfig.from(gguf);
            ModelWeights weights = ModelWeights.load(gguf, config);
            Transformer transformer = new Transformer(config, weights, ComputePool.shared());
            Tokenizer tokenizer = Tokenizers.fromGguf(gguf.metadata());
            String source = gguf.metadata().getString("tokenizer.chat_template", null);
            String bos = tokenizer.bosId() >= 0 ? tokenizer.tokenText(tokenizer.bosId()) : "";
            String eos = tokenizer.eosId() >= 0 ? tokenizer.tokenText(tokenizer.eosId()) : "";
            ChatTemplate template = ChatTemplate.of(source == null ? ChatTemplate.CHATML : source, bos, eos,
                    options.templateLimits(), options.clock());
            String fileName = modelFile.getFileName().toString();
            String id = options.modelId() != null ? options.modelId()
                    : fileName.endsWith(".gguf") ? fileName.substring(0, fileName.length() - 5) : fileName;
            ModelInfo info = new ModelInfo(id, options.clock().instant().getEpochSecond(), "starling");
            return new LocalBackend(gguf, transformer, tokenizer, template, source != null, info, options);
        } catch (IOException | RuntimeException e) {
            gguf.close();
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
        return transformer.config();
    }

    /** Whether the chat template came from the model file (false: the ChatML fallback). */
    public boolean hasOwnChatTemplate() {
        return templateFromModel;
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
        RenderOutcome rendered = template.render(request.messages(), true);
        return switch (rendered) {
            case RenderOutcome.Failed f -> BackendResult.err(BackendError.invalid("messages", f.reason()));
            case RenderOutcome.Rendered r -> generate(r.text(), request.sampling(), listener);
        };
    }

    @Override
    public BackendResult<Completion> complete(CompletionRequest request, DeltaListener listener) {
        if (!request.model().equals(info.id())) {
            return BackendResult.err(BackendError.modelNotFound(request.model()));
        }
        return generate(request.prompt(), request.sampling(), listener);
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
            java.util.ArrayList<float[]> vectors = new java.util.ArrayList<>();
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
                vectors.add(embedTokens(ids));
                tokens += ids.length;
            }
            return BackendResult.ok(new Embeddings(info.id(), vectors, new Usage(tokens, 0)));
        });
    }

    /** Mean of the final (normed) hidden states over all positions, L2-normalized. */
    private float[] embedTokens(int[] ids) {
        int dim = config().dim();
        KvCache cache = transformer.newCache(ids.length);
        KvCache[] caches = new KvCache[ids.length];
        java.util.Arrays.fill(caches, cache);
        Transformer.Output out = transformer.forward(caches, ids, new boolean[ids.length], true);
        float[] hidden = out.hidden(); // [T][dim]
        double[] sum = new double[dim];
        for (int t = 0; t < ids.length; t++) {
            for (int d = 0; d < dim; d++) {
                sum[d] += hidden[t * dim + d];
            }
        }
        double norm = 0;
        for (int d = 0; d < dim; d++) {
            sum[d] /= ids.length;
            norm += sum[d] * sum[d];
        }
        norm = Math.sqrt(norm);
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
            v[d] = (float) (norm == 0 ? 0 : sum[d] / norm);
        }
        return v;
    }

    private BackendResult<Completion> generate(String prompt, SamplingParams sampling, DeltaListener listener) {
        var invalid = sampling.validate(Integer.MAX_VALUE);
        if (invalid.isPresent()) {
            return BackendResult.err(invalid.get());
        }
        String bosText = tokenizer.bosId() >= 0 ? tokenizer.tokenText(tokenizer.bosId()) : null;
        boolean addBos = tokenizer.addsBosByDefault() && (bosText == null || !prompt.startsWith(bosText));
        int[] promptIds = tokenizer.encode(prompt, addBos, true);
        if (promptIds.length == 0) {
            return BackendResult.err(BackendError.invalid("prompt", "the prompt has no tokens"));
        }
        int context = config().contextLength();
        if (promptIds.length >= context) {
            return BackendResult.err(new BackendError(BackendError.Kind.CONTEXT_LENGTH_EXCEEDED, "the prompt is "
                    + promptIds.length + " tokens; the model's context is " + context + " tokens", "messages"));
        }
        return withSlot(() -> run(promptIds, sampling, listener));
    }

    private BackendResult<Completion> run(int[] promptIds, SamplingParams sampling, DeltaListener listener) {
        int capacity = (int) Math.min(config().contextLength(), (long) promptIds.length + sampling.maxTokens());
        KvCache cache = transformer.newCache(capacity);
        long seed = sampling.seed().orElseGet(() -> java.util.concurrent.ThreadLocalRandom.current().nextLong());
        TokenSampler sampler = new TokenSampler(sampling, seed);
        for (int id : promptIds) {
            sampler.accept(id, false);
        }
        StreamingDecoder decoder = new StreamingDecoder(tokenizer);
        StopStrings stops = new StopStrings(sampling.stop());
        StringBuilder text = new StringBuilder();
        int generated = 0;
        FinishReason finish = FinishReason.LENGTH;
        try {
            float[] logits = transformer.prefill(cache, promptIds, PREFILL_CHUNK);
            while (true) {
                if (listener.cancelled()) {
                    finish = FinishReason.STOP;
                    break;
                }
                int token = sampler.sample(logits);
                if (tokenizer.isEndOfGeneration(token)) {
                    finish = FinishReason.STOP;
                    break;
                }
                generated++;
                sampler.accept(token, true);
                emit(stops.feed(decoder.push(token)), text, listener);
                if (stops.stopped()) {
                    finish = FinishReason.STOP;
                    break;
                }
                if (generated >= sampling.maxTokens() || cache.length() >= capacity) {
                    break; // LENGTH
                }
                logits = transformer.step(new KvCache[] {cache}, new int[] {token})[0];
            }
        } catch (ContextOverflowException e) {
            return BackendResult.err(new BackendError(BackendError.Kind.CONTEXT_LENGTH_EXCEEDED, e.getMessage(), null));
        }
        if (!stops.stopped()) {
            emit(stops.feed(decoder.flush()), text, listener);
            emit(stops.finish(), text, listener);
        }
        return BackendResult.ok(new Completion(info.id(), text.toString(), finish,
                new Usage(promptIds.length, generated)));
    }

    private static void emit(String piece, StringBuilder text, DeltaListener listener) {
        if (!piece.isEmpty()) {
            text.append(piece);
            listener.onDelta(piece);
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
        gguf.close();
    }
}
