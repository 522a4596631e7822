package dev.starling.llm.generate;

import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.model.KvCache;
import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.model.ModelWeights;
import dev.starling.llm.model.Transformer;
import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.tokenizer.Tokenizer;
import dev.starling.llm.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * A loaded decoder model, the engine's public entry point: the mapped GGUF, its config, weights,
 * tokenizer and a batch scheduler. Thread-safe: concurrent {@link #generate} calls are decoded
 * together in one batch.
 * <pre>
 * try (LlamaModel m = LlamaModel.load(Path.of("model.gguf"))) {
 *     GenerationResult r = m.generate(GenerationRequest.ofText("Hello", SamplingParams.greedy(), 32, List.of()),
 *             (id, text) -&gt; { System.out.print(text); return true; });
 * }
 * </pre>
 */
public final class LlamaModel implements EmbeddingModel {
    /** Default number of sequences decoded together. */
    public static final int DEFAULT_MAX_BATCH = 16;
    private static final int PREFILL_CHUNK = 128;

    private final GgufFile gguf;
    private final ModelConfig config;
    private final Transformer transformer;
    private final Tokenizer tokenizer;
    private final BatchScheduler scheduler;

    private LlamaModel(GgufFile gguf, ModelConfig config, Transformer transformer, Tokenizer tokenizer, int maxBatch) {
        this.gguf = gguf;
        this.config = config;
        this.transformer = transformer;
        this.tokenizer = tokenizer;
        this.scheduler = new BatchScheduler(transformer, tokenizer, maxBatch, PREFILL_CHUNK);
    }

    /** Loads a model on the shared compute pool (threads: -Dstarling.llm.threads, default all cores). */
    public static LlamaModel load(Path path) throws IOException {
        return load(path, ComputePool.shared(), DEFAULT_MAX_BATCH);
    }

    /** Loads a model (memory-mapped: nothing is copied) computing on the given pool. */
    public static LlamaModel load(Path path, ComputePool pool, int maxBatch) throws IOException {
        return load(path, pool, maxBatch, !Boolean.getBoolean("starling.llm.exactActivations"));
    }

    /**
     * As {@link #load(Path, ComputePool, int)}; {@code roundActivations} rounds activations before each product as
     * llama.cpp does (the default), false keeps them in float (then a batched and a single decode agree to float rounding).
     */
    public static LlamaModel load(Path path, ComputePool pool, int maxBatch, boolean roundActivations) throws IOException {
        GgufFile f = GgufFile.open(path);
        try {
            ModelConfig c = ModelConfig.from(f);
            ModelWeights w = ModelWeights.load(f, c);
            Tokenizer t = Tokenizers.fromGguf(f.metadata());
            if (t.vocabSize() > c.vocabSize()) {
                throw new IOException(path + ": the tokenizer has " + t.vocabSize() + " tokens, token_embd has " + c.vocabSize());
            }
            return new LlamaModel(f, c, new Transformer(c, w, pool, roundActivations), t, maxBatch);
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    public ModelConfig config() {
        return config;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public Transformer transformer() {
        return transformer;
    }

    public Path path() {
        return gguf.path();
    }

    /** Mapped file size in bytes. */
    public long fileSizeBytes() {
        return gguf.sizeBytes();
    }

    @Override
    public int dimensions() {
        return config.dim();
    }

    /** Prompt text to ids as generation does: BOS when the vocabulary asks for it, special-token text recognized. */
    @Override
    public int[] tokenize(String text) {
        return tokenizer.encode(text, tokenizer.addsBosByDefault(), true);
    }

    /** Queues a generation; concurrent requests are decoded together. */
    public CompletableFuture<GenerationResult> submit(GenerationRequest request, TokenListener listener) {
        return scheduler.submit(request, listener);
    }

    /**
     * Generates and waits. Throws {@link dev.starling.llm.model.ContextOverflowException} when the prompt does
     * not fit the context and IllegalArgumentException for a bad request.
     */
    public GenerationResult generate(GenerationRequest request, TokenListener listener) {
        try {
            return submit(request, listener).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while generating", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new CompletionException(c);
        }
    }

    /** Mean-pooled, L2-normalized final hidden states (after the output norm) of these tokens. */
    @Override
    public float[] embed(int[] ids) {
        if (ids.length == 0) {
            throw new IllegalArgumentException("cannot embed zero tokens");
        }
        if (ids.length > config.contextLength()) {
            throw new dev.starling.llm.model.ContextOverflowException(config.contextLength(), ids.length);
        }
        {
            KvCache cache = transformer.newCache(ids.length);
            float[] sum = new float[config.dim()];
            for (int start = 0; start < ids.length; start += PREFILL_CHUNK) {
                int n = Math.min(PREFILL_CHUNK, ids.length - start);
                KvCache[] caches = new KvCache[n];
                Arrays.fill(caches, cache);
                Transformer.Output o = transformer.forward(caches, Arrays.copyOfRange(ids, start, start + n), new boolean[n], true);
                float[] h = o.hidden();
                for (int i = 0; i < n; i++) {
                    for (int d = 0; d < config.dim(); d++) {
                        sum[d] += h[i * config.dim() + d];
                    }
                }
            }
            double norm = 0;
            for (float v : sum) {
                norm += (double) v * v;
            }
            float inv = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0f;
            for (int d = 0; d < sum.length; d++) {
                sum[d] *= inv;
            }
            return sum;
        }
    }

    @Override
    public void close() {
        scheduler.close();
        gguf.close();
    }
}
