package dev.starling.llm.generate;

import dev.starling.llm.model.ContextOverflowException;
import dev.starling.llm.model.KvCache;
import dev.starling.llm.model.Transformer;
import dev.starling.llm.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Continuous batching: one thread steps every running sequence together, so each weight row is read
 * once per step for all of them (N concurrent streams cost little more than one while decode is
 * memory-bound). New requests are admitted between steps: their prompt is prefilled as a matrix and
 * they join the next step.
 */
public final class BatchScheduler implements AutoCloseable {
    private record Pending(GenerationRequest request, TokenListener listener, CompletableFuture<GenerationResult> future) {
    }

    private final Transformer transformer;
    private final Tokenizer tokenizer;
    private final int maxBatch;
    private final int prefillChunk;
    private final int maxContextTokens;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<SequenceRun> active = new ArrayList<>();
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param tokenizer may be null (token-id requests only; no text, no end-of-generation detection)
     * @param maxBatch  most sequences stepped together (others wait in the queue)
     */
    public BatchScheduler(Transformer transformer, Tokenizer tokenizer, int maxBatch, int prefillChunk) {
        this(transformer, tokenizer, maxBatch, prefillChunk, Integer.getInteger("starling.llm.maxContext", 8192));
    }

    /**
     * @param maxContextTokens most tokens (prompt and output) one sequence may hold, at most the model's context
     *                         length: it bounds the float KV cache a request can allocate
     */
    public BatchScheduler(Transformer transformer, Tokenizer tokenizer, int maxBatch, int prefillChunk, int maxContextTokens) {
        if (maxBatch < 1 || maxBatch > 256) {
            throw new IllegalArgumentException("maxBatch must be 1..256, got " + maxBatch);
        }
        if (prefillChunk < 1 || prefillChunk > 4096) {
            throw new IllegalArgumentException("prefillChunk must be 1..4096, got " + prefillChunk);
        }
        this.transformer = transformer;
        this.tokenizer = tokenizer;
        this.maxBatch = maxBatch;
        this.prefillChunk = prefillChunk;
        if (maxContextTokens < 1) {
            throw new IllegalArgumentException("maxContextTokens must be positive, got " + maxContextTokens);
        }
        this.maxContextTokens = Math.min(maxContextTokens, transformer.config().contextLength());
        this.thread = new Thread(this::loop, "starling-batch-decoder");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues a request; the future completes with the result, or exceptionally (context overflow, bad prompt). */
    public CompletableFuture<GenerationResult> submit(GenerationRequest request, TokenListener listener) {
        CompletableFuture<GenerationResult> f = new CompletableFuture<>();
        if (closed) {
            f.completeExceptionally(new IllegalStateException("the model is closed"));
            return f;
        }
        queue.add(new Pending(request, listener, f));
        return f;
    }

    private void loop() {
        while (!closed) {
            try {
                if (active.isEmpty()) {
                    Pending p = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (p == null) {
                        continue;
                    }
                    admit(p);
                }
                Pending p;
                while (active.size() < maxBatch && (p = queue.poll()) != null) {
                    admit(p);
                }
                if (!active.isEmpty()) {
                    step();
                }
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException | Error e) {
                for (SequenceRun r : active) {
                    r.future.completeExceptionally(e);
                }
                active.clear();
            }
        }
        IllegalStateException closedError = new IllegalStateException("the model was closed");
        for (SequenceRun r : active) {
            r.future.completeExceptionally(closedError);
        }
        Pending p;
        while ((p = queue.poll()) != null) {
            p.future.completeExceptionally(closedError);
        }
    }

    private void admit(Pending p) {
        SequenceRun run;
        try {
            int[] prompt = p.request().promptIds() != null ? p.request().promptIds() : tokenize(p.request().prompt());
            int context = maxContextTokens;
            if (prompt.length >= context) {
                throw new ContextOverflowException(context, prompt.length + 1);
            }
            for (int id : prompt) {
                if (id < 0 || id >= transformer.config().vocabSize()) {
                    throw new IllegalArgumentException("prompt token id " + id + " outside the vocabulary of " + transformer.config().vocabSize());
                }
            }
            KvCache cache = transformer.newCache((int) Math.min(context, (long) prompt.length + p.request().maxTokens()));
            run = new SequenceRun(p.request(), p.listener(), prompt, cache, tokenizer);
            long t0 = System.nanoTime();
            float[] logits = transformer.prefill(cache, prompt, prefillChunk);
            run.prefillNanos = System.nanoTime() - t0;
            if (run.accept(logits)) {
                p.future().complete(run.result());
                return;
            }
        } catch (RuntimeException e) {
            p.future().completeExceptionally(e);
            return;
        }
        // hand the run's future to the caller's
        run.future.whenComplete((r, e) -> {
            if (e != null) {
                p.future().completeExceptionally(e);
            } else {
                p.future().complete(r);
            }
        });
        active.add(run);
    }

    private int[] tokenize(String prompt) {
        if (tokenizer == null) {
            throw new IllegalArgumentException("this model has no tokenizer: give prompt token ids");
        }
        int[] ids = tokenizer.encode(prompt, tokenizer.addsBosByDefault(), true);
        if (ids.length == 0) {
            throw new IllegalArgumentException("the prompt is empty");
        }
        return ids;
    }

    private void step() {
        int n = active.size();
        KvCache[] caches = new KvCache[n];
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            caches[i] = active.get(i).cache;
            tokens[i] = active.get(i).lastToken();
        }
        float[][] logits = transformer.step(caches, tokens);
        List<SequenceRun> done = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SequenceRun r = active.get(i);
            try {
                if (r.accept(logits[i])) {
                    done.add(r);
                }
            } catch (RuntimeException e) {
                r.future.completeExceptionally(e);
                done.add(r);
            }
        }
        for (SequenceRun r : done) {
            active.remove(r);
            if (!r.future.isDone()) {
                r.future.complete(r.result());
            }
        }
    }

    /** Sequences running now (for metrics). */
    public int activeCount() {
        return active.size();
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
