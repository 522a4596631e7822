package dev.starling.ai.training;

import java.util.SplittableRandom;

/**
 * Training micro-batches drawn from the packed stream: each row a window at an offset chosen by a generator
 * seeded from (seed, micro-batch index), so batch k is the same whether or not the run was interrupted before it
 * (the checkpoint's data position is the number of micro-batches drawn).
 */
final class Batches {
    private Batches() {
    }

    /**
     * Fills tokens and targets ([batch·seq] each) with micro-batch {@code index}.
     *
     * @param stream at least seq + 1 tokens
     */
    static void fill(int[] stream, long seed, long index, int batch, int seq, int[] tokens, int[] targets) {
        fill(stream, stream.length, seed, index, batch, seq, tokens, targets);
    }

    /** As {@link #fill(int[], long, long, int, int, int[], int[])}, from the first {@code length} tokens only. */
    static void fill(int[] stream, int length, long seed, long index, int batch, int seq, int[] tokens, int[] targets) {
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ (index + 0x632BE59BD9B4E019L));
        int bound = length - seq; // offsets 0..len-seq-1 leave room for the last target
        for (int row = 0; row < batch; row++) {
            int at = rnd.nextInt(bound);
            System.arraycopy(stream, at, tokens, row * seq, seq);
            System.arraycopy(stream, at + 1, targets, row * seq, seq);
        }
    }
}
