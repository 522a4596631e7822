package dev.starling.llm.eval;

import java.util.Arrays;

/**
 * An interpolated modified Kneser-Ney n-gram model (Chen and Goodman 1998, as KenLM and SRILM build it) over symbols
 * 0..V-1: bytes (V = 256) or a tokenizer's ids.
 *
 * <p>The highest order uses raw counts, lower orders continuation counts (how many distinct symbols precede the
 * n-gram). Each order discounts counts 1, 2 and 3+ by D1, D2, D3+ estimated from that order's counts of counts
 * (Y = n1 / (n1 + 2 n2), D1 = 1 - 2Y n2/n1, D2 = 2 - 3Y n3/n2, D3+ = 3 - 4Y n4/n3, each kept within (0, r], the single-discount fallback where the estimate is not positive), and
 * gives the discounted mass to the next lower order; the lowest order interpolates with the uniform 1/V. So
 * P(w | h) sums to 1 over the vocabulary for every history (KneserNeyTest checks it). A history never seen is
 * backed off to its longest seen suffix.
 *
 * <p>The stream's first symbols have shorter histories; as in KenLM without sentence markers they are counted only as
 * the shorter n-grams they are.
 */
public final class KneserNey {

    /** The longest training stream, in symbols. */
    public static final int MAX_SYMBOLS = 1 << 28;
    public static final int MAX_ORDER = 8;

    private final NgramTrie trie;
    private final int order;
    private final int vocabSize;
    /** Discounts by order (1..order) and count class (1, 2, 3+). // [order + 1][4] */
    private final double[][] discounts;
    /** Per history node: the sum of its children's counts and how many children have count 1, 2, 3+. */
    private final long[] total;
    private final int[] n1;
    private final int[] n2;
    private final int[] n3;

    private KneserNey(NgramTrie trie, int order, int vocabSize) {
        this.trie = trie;
        this.order = order;
        this.vocabSize = vocabSize;
        int nodes = trie.nodes;
        total = new long[nodes];
        n1 = new int[nodes];
        n2 = new int[nodes];
        n3 = new int[nodes];
        long[][] countOfCounts = new long[order + 1][5];
        trie.forEachEdge((parent, child) -> {
            int len = trie.length[child];
            int a = adjusted(child);
            if (a > 0) {
                total[parent] += a;
                if (a == 1) {
                    n1[parent]++;
                } else if (a == 2) {
                    n2[parent]++;
                } else {
                    n3[parent]++;
                }
                if (a <= 4) {
                    countOfCounts[len][a]++;
                }
            }
        });
        discounts = new double[order + 1][4];
        for (int k = 1; k <= order; k++) {
            discounts[k] = discounts(countOfCounts[k]);
        }
    }

    /** Estimated discounts [_, D1, D2, D3+] from counts of counts n1..n4, clamped to [0, r]. */
    static double[] discounts(long[] n) {
        double[] d = new double[4];
        if (n[1] == 0 || n[2] == 0) {
            // too little data to estimate: Chen and Goodman's single discount with its usual fallback
            d[1] = 0.5;
            d[2] = 1.0;
            d[3] = 1.5;
            return d;
        }
        double y = (double) n[1] / (n[1] + 2.0 * n[2]);
        d[1] = 1 - 2 * y * n[2] / n[1];
        d[2] = n[2] == 0 ? 1.0 : 2 - 3 * y * n[3] / n[2];
        d[3] = n[3] == 0 ? 1.5 : 3 - 4 * y * n[4] / n[3];
        double[] fallback = {0, 0.5, 1.0, 1.5};
        for (int r = 1; r <= 3; r++) {
            // a discount of 0 (estimated at or below it) leaves a context no mass for unseen symbols: P = 0 there
            if (!(d[r] > 0)) {
                d[r] = fallback[r];
            }
            d[r] = Math.min(d[r], r);
        }
        return d;
    }

    /** The count an order uses for the n-gram at node: raw at the highest order, continuation count below. */
    private int adjusted(int node) {
        return trie.length[node] == order ? trie.count[node] : trie.leftExtensions[node];
    }

    /**
     * Trains on a stream of symbols.
     *
     * @throws IllegalArgumentException naming the position of a symbol outside 0..vocabSize-1, or a stream over
     *                                  {@link #MAX_SYMBOLS}
     */
    public static KneserNey train(int[] symbols, int order, int vocabSize) {
        if (order < 1 || order > MAX_ORDER) {
            throw new IllegalArgumentException("n-gram order " + order + " is outside 1.." + MAX_ORDER);
        }
        if (vocabSize < 1) {
            throw new IllegalArgumentException("vocabulary size " + vocabSize + " is below 1");
        }
        if (symbols.length > MAX_SYMBOLS) {
            throw new IllegalArgumentException("n-gram training stream of " + symbols.length + " symbols exceeds "
                    + MAX_SYMBOLS);
        }
        // sized for about one node per symbol (bytes need fewer, tokens more); the trie grows by doubling
        NgramTrie trie = new NgramTrie(vocabSize, (int) Math.min(1 << 24, symbols.length + 16L));
        int[] suffixes = new int[order]; // suffixes[k]: node of the length-k n-gram ending at the previous symbol
        int[] next = new int[order];
        int have = 0; // how many of suffixes[1..] are valid
        boolean[] created = new boolean[1];
        for (int i = 0; i < symbols.length; i++) {
            int s = symbols[i];
            if (s < 0 || s >= vocabSize) {
                throw new IllegalArgumentException("symbol " + i + " is " + s + ", outside 0.." + (vocabSize - 1));
            }
            int longest = Math.min(order, have + 1);
            int prevNode = -1;
            for (int len = 1; len <= longest; len++) {
                int node = trie.childOrCreate(suffixes[len - 1], s, created);
                trie.count[node]++;
                if (created[0] && len >= 2) {
                    // a new n-gram of length len: one more distinct left extension of its suffix of length len-1
                    trie.leftExtensions[prevNode]++;
                }
                if (len < order) {
                    next[len] = node;
                }
                prevNode = node;
            }
            // suffixes for the next symbol: the n-grams ending here, of length 0..order-1
            suffixes[0] = 0;
            for (int len = 1; len < order; len++) {
                suffixes[len] = len <= longest ? next[len] : 0;
            }
            have = Math.min(order - 1, longest);
        }
        return new KneserNey(trie, order, vocabSize);
    }

    public int order() {
        return order;
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** n-gram nodes stored (all orders). */
    public int nodes() {
        return trie.nodes;
    }

    /** P(w | the symbols context[from..to)), using at most the last order-1 of them. */
    public double probability(int[] context, int from, int to, int w) {
        int[] hist = new int[order];
        int usable = Math.min(order - 1, to - from);
        Arrays.fill(hist, -1);
        hist[0] = 0;
        for (int k = 1; k <= usable; k++) {
            int node = 0;
            for (int j = to - k; j < to && node >= 0; j++) {
                node = trie.child(node, context[j]);
            }
            hist[k] = node;
        }
        return probability(hist, w);
    }

    /** P(w | history), given the history's nodes by length (hist[k] the length-k suffix, -1 when unseen). */
    double probability(int[] hist, int w) {
        if (w < 0 || w >= vocabSize) {
            throw new IllegalArgumentException("symbol " + w + " is outside 0.." + (vocabSize - 1));
        }
        double p = 1.0 / vocabSize;
        for (int k = 0; k < order; k++) {
            int h = hist[k];
            if (h < 0) {
                break; // a longer history is unseen too
            }
            long t = total[h];
            if (t == 0) {
                continue;
            }
            int c = trie.child(h, w);
            int a = c < 0 ? 0 : adjusted(c);
            double[] d = discounts[k + 1];
            double discounted = a == 0 ? 0 : a - d[Math.min(a, 3)];
            double gamma = d[1] * n1[h] + d[2] * n2[h] + d[3] * n3[h];
            p = (discounted + gamma * p) / t;
        }
        return p;
    }

    /**
     * The sum of -log2 P over stream[from..to), each symbol given the symbols before it in the stream (from index 0).
     */
    public double bits(int[] stream, int from, int to) {
        if (from < 0 || to > stream.length || from > to) {
            throw new IllegalArgumentException("range [" + from + ", " + to + ") of a stream of " + stream.length);
        }
        int[] hist = new int[order];
        int[] next = new int[order];
        double bits = 0;
        // walk from the start so every history is the stream's own, keeping the nodes of the suffixes
        Arrays.fill(hist, -1);
        hist[0] = 0;
        for (int i = 0; i < to; i++) {
            int s = stream[i];
            if (i >= from) {
                bits -= Math.log(probability(hist, s)) / Math.log(2);
            }
            next[0] = 0;
            for (int k = 1; k < order; k++) {
                int h = hist[k - 1];
                next[k] = h < 0 || (k - 1 > i) ? -1 : trie.child(h, s);
            }
            System.arraycopy(next, 0, hist, 0, order);
        }
        return bits;
    }
}
