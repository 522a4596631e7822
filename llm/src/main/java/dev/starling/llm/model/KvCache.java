package dev.starling.llm.model;

/**
 * Keys and values of one sequence, in float: keys[layer][pos * kvDim + kvHead * headDim + i].
 * {@link #length()} positions are filled; the forward pass appends.
 */
public final class KvCache {
    final float[][] keys;   // [layers][capacity * kvDim]
    final float[][] values; // [layers][capacity * kvDim]
    private final int capacity;
    private final int kvDim;
    private int length;

    public KvCache(ModelConfig c, int capacity) {
        if (capacity <= 0 || capacity > c.contextLength()) {
            throw new IllegalArgumentException("KV cache capacity " + capacity + " must be 1.." + c.contextLength() + " (the model's context length)");
        }
        long bytes = 2L * c.layers() * capacity * c.kvDim() * Float.BYTES;
        if ((long) capacity * c.kvDim() > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("KV cache of " + capacity + " positions x " + c.kvDim() + " is too large (" + bytes + " bytes)");
        }
        this.capacity = capacity;
        this.kvDim = c.kvDim();
        this.keys = new float[c.layers()][capacity * kvDim];
        this.values = new float[c.layers()][capacity * kvDim];
    }

    public int capacity() {
        return capacity;
    }

    /** Positions filled so far (the next token goes at this position). */
    public int length() {
        return length;
    }

    /** Forgets positions from {@code newLength} on (for reusing a shared prompt prefix). */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("truncate to " + newLength + " outside 0.." + length);
        }
        length = newLength;
    }

    void setLength(int newLength) {
        if (newLength > capacity) {
            throw new ContextOverflowException(capacity, newLength);
        }
        length = newLength;
    }

    int kvDim() {
        return kvDim;
    }

    /** Memory held, in bytes. */
    public long sizeBytes() {
        return 2L * keys.length * (long) capacity * kvDim * Float.BYTES;
    }
}
