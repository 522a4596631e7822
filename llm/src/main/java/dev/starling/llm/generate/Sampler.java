package dev.starling.llm.generate;

import dev.starling.llm.tensor.StableMath;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Picks the next token from logits per {@link SamplingParams}. One instance per sequence (it owns the seeded RNG). */
public final class Sampler {
    private final SamplingParams p;
    private final SplittableRandom random;

    public Sampler(SamplingParams params) {
        this.p = params;
        this.random = new SplittableRandom(params.seed());
    }

    /**
     * Chooses a token. {@code history} holds the tokens so far (prompt and output), of which the last
     * {@code historyLength} count; logits are modified in place by the penalty.
     */
    public int sample(float[] logits, int[] history, int historyLength) {
        if (p.repetitionPenalty() != 1f && historyLength > 0) {
            penalize(logits, history, historyLength);
        }
        if (p.isGreedy()) {
            return argmax(logits);
        }
        // candidates sorted by logit, descending, limited by top-k
        int n = logits.length;
        int k = p.topK() > 0 ? Math.min(p.topK(), n) : n;
        int[] ids = topIndices(logits, k);
        double max = logits[ids[0]];
        double[] probs = new double[ids.length];
        double sum = 0;
        for (int i = 0; i < ids.length; i++) {
            probs[i] = StableMath.exp((logits[ids[i]] - max) / 1.0); // untempered for top-p / min-p, as llama.cpp's default chain
            sum += probs[i];
        }
        int keep = ids.length;
        if (p.topP() < 1f) {
            double cum = 0;
            for (int i = 0; i < ids.length; i++) {
                cum += probs[i] / sum;
                if (cum >= p.topP()) {
                    keep = i + 1;
                    break;
                }
            }
        }
        if (p.minP() > 0f) {
            double threshold = p.minP() * probs[0];
            int m = 1;
            while (m < keep && probs[m] >= threshold) {
                m++;
            }
            keep = m;
        }
        double total = 0;
        double[] w = new double[keep];
        for (int i = 0; i < keep; i++) {
            w[i] = StableMath.exp((logits[ids[i]] - max) / p.temperature());
            total += w[i];
        }
        double u = random.nextDouble() * total;
        for (int i = 0; i < keep; i++) {
            u -= w[i];
            if (u <= 0) {
                return ids[i];
            }
        }
        return ids[keep - 1];
    }

    private void penalize(float[] logits, int[] history, int historyLength) {
        int from = Math.max(0, historyLength - p.repetitionWindow());
        boolean[] seen = new boolean[logits.length];
        for (int i = from; i < historyLength; i++) {
            int t = history[i];
            if (t >= 0 && t < logits.length && !seen[t]) {
                seen[t] = true;
                logits[t] = logits[t] > 0 ? logits[t] / p.repetitionPenalty() : logits[t] * p.repetitionPenalty();
            }
        }
    }

    public static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Indices of the k largest logits, largest first (ties: lower id first). */
    static int[] topIndices(float[] logits, int k) {
        int n = logits.length;
        long[] keys;
        if (k == n) {
            keys = new long[n];
            for (int i = 0; i < n; i++) {
                keys[i] = key(logits[i], i);
            }
        } else {
            // keep a min-heap of the k best keys
            keys = new long[k];
            int size = 0;
            for (int i = 0; i < n; i++) {
                long kv = key(logits[i], i);
                if (size < k) {
                    keys[size] = kv;
                    siftUp(keys, size++);
                } else if (kv > keys[0]) {
                    keys[0] = kv;
                    siftDown(keys, k);
                }
            }
        }
        Arrays.sort(keys);
        int[] ids = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            ids[i] = (int) ~(keys[keys.length - 1 - i]); // descending
        }
        return ids;
    }

    /** Orders by logit, then by lower id; the id sits inverted in the low 32 bits. */
    private static long key(float logit, int id) {
        int bits = Float.floatToIntBits(logit);
        int sortable = bits >= 0 ? bits : bits ^ 0x7fffffff;
        return ((long) sortable << 32) | (~id & 0xffffffffL);
    }

    private static void siftUp(long[] h, int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (h[parent] <= h[i]) {
                break;
            }
            long t = h[parent];
            h[parent] = h[i];
            h[i] = t;
            i = parent;
        }
    }

    private static void siftDown(long[] h, int size) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) {
                return;
            }
            int m = l + 1 < size && h[l + 1] < h[l] ? l + 1 : l;
            if (h[i] <= h[m]) {
                return;
            }
            long t = h[m];
            h[m] = h[i];
            h[i] = t;
            i = m;
        }
    }
}
