package dev.starling.llm.generate;

import dev.starling.llm.model.KvCache;
import dev.starling.llm.tokenizer.StreamingDecoder;
import dev.starling.llm.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/** The state of one running generation: its cache, sampler, output so far and streaming text. */
final class SequenceRun {
    final GenerationRequest request;
    final TokenListener listener;
    final KvCache cache;
    final CompletableFuture<GenerationResult> future = new CompletableFuture<>();
    private final Tokenizer tokenizer;
    private final Sampler sampler;
    private final StreamingDecoder decoder;
    private final StopMatcher stop;
    private final StringBuilder text = new StringBuilder();
    private final int promptTokens;
    private int[] history; // prompt then output
    private int length;
    private int generated;
    private FinishReason finish;
    long prefillNanos;
    private final long decodeStart;
    private long decodeNanos;

    SequenceRun(GenerationRequest request, TokenListener listener, int[] prompt, KvCache cache, Tokenizer tokenizer) {
        this.request = request;
        this.listener = listener == null ? TokenListener.NONE : listener;
        this.cache = cache;
        this.tokenizer = tokenizer;
        this.sampler = new Sampler(request.sampling());
        this.decoder = tokenizer == null ? null : new StreamingDecoder(tokenizer);
        this.stop = new StopMatcher(request.stop());
        this.promptTokens = prompt.length;
        this.history = Arrays.copyOf(prompt, prompt.length + Math.min(request.maxTokens(), 4096));
        this.length = prompt.length;
        this.decodeStart = System.nanoTime();
    }

    /** The token to feed next (the last one generated). */
    int lastToken() {
        return history[length - 1];
    }

    boolean finished() {
        return finish != null;
    }

    /** Samples from logits and records the token; returns true when the sequence is done. */
    boolean accept(float[] logits) {
        if (request.processor() != null) {
            request.processor().process(logits, history, promptTokens, length);
        }
        int token = sampler.sample(logits, history, length);
        if (tokenizer != null && tokenizer.isEndOfGeneration(token)) {
            return finish(FinishReason.STOP);
        }
        if (length == history.length) {
            history = Arrays.copyOf(history, history.length * 2);
        }
        history[length++] = token;
        generated++;
        String piece = decoder == null ? "" : decoder.push(token);
        String out = stop.push(piece);
        text.append(out);
        boolean go = listener.onToken(token, out);
        if (stop.stopped()) {
            return finish(FinishReason.STOP);
        }
        if (!go) {
            return finish(FinishReason.CANCELLED);
        }
        if (generated >= request.maxTokens() || cache.length() + 1 > cache.capacity()) {
            return finish(FinishReason.LENGTH);
        }
        return false;
    }

    private boolean finish(FinishReason reason) {
        finish = reason;
        if (!stop.stopped()) {
            String tail = stop.push(decoder == null ? "" : decoder.flush()) + stop.flush();
            if (!tail.isEmpty()) {
                text.append(tail);
                listener.onToken(-1, tail);
            }
        }
        decodeNanos = System.nanoTime() - decodeStart - prefillNanos;
        return true;
    }

    GenerationResult result() {
        return new GenerationResult(text.toString(), Arrays.copyOfRange(history, promptTokens, length), finish,
                promptTokens, generated, prefillNanos, Math.max(0, decodeNanos));
    }
}
