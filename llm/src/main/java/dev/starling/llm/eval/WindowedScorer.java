package dev.starling.llm.eval;

import dev.starling.llm.model.KvCache;
import dev.starling.llm.model.Transformer;

import java.util.function.LongConsumer;

/**
 * Scores a token stream with a decoder: the sum over tokens 1..n-1 of -log2 P(token | the tokens before it), where
 * the context is at most one window. Windows of {@code window} tokens start every {@code stride} tokens; each scores
 * only the tokens no earlier window scored, so every token after the first is scored exactly once, with at least
 * {@code window - stride} tokens of context once the stream is longer than a window (Hugging Face's "perplexity of
 * fixed-length models" procedure). Token 0 is context only.
 */
public final class WindowedScorer {

    /** Tokens run through the model per forward call inside a window (bounds the logits buffer). */
    static final int CHUNK = 64;

    /**
     * @param bits          the sum of -log2 P over the scored tokens
     * @param scoredTokens  tokens scored (n - 1)
     * @param forwardTokens tokens run through the model (more than n when windows overlap)
     */
    public record Result(double bits, long scoredTokens, long forwardTokens, int window, int stride) {
    }

    private WindowedScorer() {
    }

    /**
     * @param progress called with the number of tokens scored so far after each window (may be null)
     */
    public static Result score(Transformer model, int[] tokens, int window, int stride, LongConsumer progress) {
        int vocab = model.config().vocabSize();
        if (window < 2 || window > model.config().contextLength()) {
            throw new IllegalArgumentException("window of " + window + " tokens is outside 2.."
                    + model.config().contextLength() + " (the model's context)");
        }
        if (stride < 1 || stride > window - 1) {
            throw new IllegalArgumentException("stride " + stride + " is outside 1.." + (window - 1)
                    + " for a window of " + window);
        }
        int n = tokens.length;
        double bits = 0;
        long forward = 0;
        int scoredUpTo = 1; // tokens [1, scoredUpTo) are scored
        for (int begin = 0; scoredUpTo < n; begin += stride) {
            int end = Math.min(begin + window, n);
            if (end <= scoredUpTo) {
                continue;
            }
            KvCache cache = model.newCache(end - begin);
            for (int start = begin; start < end; start += CHUNK) {
                int m = Math.min(CHUNK, end - start);
                KvCache[] caches = new KvCache[m];
                int[] chunk = new int[m];
                boolean[] want = new boolean[m];
                int wanted = 0;
                for (int i = 0; i < m; i++) {
                    caches[i] = cache;
                    chunk[i] = tokens[start + i];
                    int predicted = start + i + 1; // the logits at position p predict token p + 1
                    want[i] = predicted >= scoredUpTo && predicted < end;
                    wanted += want[i] ? 1 : 0;
                }
                Transformer.Output out = model.forward(caches, chunk, want, false);
                forward += m;
                int row = 0;
                for (int i = 0; i < m; i++) {
                    if (want[i]) {
                        bits += negLog2Softmax(out.logits(), row * vocab, vocab, tokens[start + i + 1]);
                        row++;
                    }
                }
                if (row != wanted) {
                    throw new IllegalStateException("model returned " + row + " logit rows for " + wanted);
                }
            }
            scoredUpTo = end;
            if (progress != null) {
                progress.accept(scoredUpTo - 1L);
            }
        }
        return new Result(bits, Math.max(0, n - 1), forward, window, stride);
    }

    /** -log2 softmax(logits[offset..offset+vocab))[target], in double. */
    static double negLog2Softmax(float[] logits, int offset, int vocab, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            sum += Math.exp(logits[offset + i] - max);
        }
        double logP = logits[offset + target] - max - Math.log(sum);
        return -logP / Math.log(2);
    }
}
