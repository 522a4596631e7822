package dev.starling.llm.train;

import dev.starling.llm.tensor.ComputePool;

/**
 * Inverted dropout for training: during a training pass an element of a dropped activation is kept with
 * probability 1 − rate and scaled by 1/(1 − rate), so evaluation (no dropout) needs no rescaling.
 * <p>Where: the token embeddings and the output of each residual branch (attention after its output
 * projection, the FFN after its down projection) before it is added to the residual stream, as GPT-2 does
 * (it also drops attention probabilities; we do not).
 * <p>Which elements: a pure function of (seed, key, site, index), so a mask does not depend on the thread
 * count, the reference and the fast path drop the same elements, and a resumed run drops exactly what an
 * uninterrupted one would. The key names the micro-batch (the {@link Trainer} uses
 * {@code step · 2^16 + micro-batch}); the site names the activation ({@link #EMBEDDING_SITE},
 * {@link #attentionSite}, {@link #ffnSite}). Each 64-bit hash decides four elements with 16 bits each, so the
 * rate is applied with a resolution of 1/65536.
 *
 * @param rate probability of dropping an element, in [0, 0.9]; 0 disables dropout
 * @param seed chooses the masks
 */
public record Dropout(double rate, long seed) {
    /** No dropout. */
    public static final Dropout NONE = new Dropout(0, 0);

    /** The highest rate accepted: beyond it almost nothing of a branch reaches the next layer. */
    public static final double MAX_RATE = 0.9;

    public static final int EMBEDDING_SITE = 0;

    public Dropout {
        if (!(rate >= 0 && rate <= MAX_RATE)) {
            throw new IllegalArgumentException("dropout rate " + rate + " is outside [0, " + MAX_RATE + "]");
        }
    }

    public static int attentionSite(int layer) {
        return 1 + 2 * layer;
    }

    public static int ffnSite(int layer) {
        return 2 + 2 * layer;
    }

    public boolean active() {
        return rate > 0;
    }

    /** The factor a kept element is multiplied by: 1/(1 − rate). */
    public float keepScale() {
        return (float) (1.0 / (1.0 - rate));
    }

    /** Elements whose 16-bit draw is below this are dropped. */
    private int threshold() {
        return (int) Math.round(rate * 65536);
    }

    /** Whether element {@code index} of (key, site) is kept: the readable definition the masks follow. */
    public boolean keep(long key, int site, long index) {
        long h = mix(base(key, site) + (index >>> 2));
        int draw = (int) (h >>> (16 * (index & 3))) & 0xFFFF;
        return draw >= threshold();
    }

    /** The keep mask of elements [0, n) of (key, site) as bits (bit i of word i/64), computed on the pool. */
    public long[] mask(long key, int site, int n, ComputePool pool) {
        long[] bits = new long[(n + 63) >>> 6];
        long base = base(key, site);
        int threshold = threshold();
        pool.parallelFor(bits.length, 256, (s, e) -> {
            for (int w = s; w < e; w++) {
                long word = 0;
                for (int g = 0; g < 16; g++) { // 16 hashes × 4 draws = 64 elements
                    long h = mix(base + ((long) w << 4) + g);
                    for (int j = 0; j < 4; j++) {
                        if (((int) (h >>> (16 * j)) & 0xFFFF) >= threshold) {
                            word |= 1L << (g * 4 + j);
                        }
                    }
                }
                bits[w] = word;
            }
        });
        int tail = n & 63;
        if (tail != 0) {
            bits[bits.length - 1] &= (1L << tail) - 1;
        }
        return bits;
    }

    /** a[i] = kept(i) ? a[i]·scale : 0 for i in [0, n), on the pool. */
    public static void apply(float[] a, long[] bits, float scale, int n, ComputePool pool) {
        pool.parallelFor(n, 4096, (s, e) -> {
            for (int i = s; i < e; i++) {
                a[i] = ((bits[i >>> 6] >>> (i & 63)) & 1L) != 0 ? a[i] * scale : 0f;
            }
        });
    }

    private long base(long key, int site) {
        return mix(mix(seed ^ 0x5DEECE66DL) + key * 0x9E3779B97F4A7C15L + ((long) site << 40));
    }

    /** SplitMix64's finalizer: a bijection of 64-bit values that mixes every input bit into every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
