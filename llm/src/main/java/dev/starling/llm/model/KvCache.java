package dev.starling.llm.model;

/**
 * Keys and values of one sequence: [layer][pos * kvDim + kvHead * headDim + i], in float ({@link KvType#F32})
 * or as half-precision bits ({@link KvType#F16}, half the memory). {@link #length()} positions are filled;
 * the forward pass appends.
 */
public final class KvCache {
    final float[][] keys;     // [layers][capacity * kvDim] when F32, else null
    final float[][] values;
    final short[][] keys16;   // [layers][capacity * kvDim] when F16, else null
    final short[][] values16;
    private final KvType type;
    private final int capacity;
    private final int kvDim;
    private int length;

    public KvCache(ModelConfig c, int capacity) {
        this(c, capacity, KvType.F32);
    }

    public KvCache(ModelConfig c, int capacity, KvType type) {
        if (capacity <= 0 || capacity > c.contextLength()) {
            throw new IllegalArgumentException("KV cache capacity " + capacity + " must be 1.." + c.contextLength() + " (the model's context length)");
        }
        long bytes = 2L * c.layers() * capacity * c.kvDim() * type.bytesPerValue();
        if ((long) capacity * c.kvDim() > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("KV cache of " + capacity + " positions x " + c.kvDim() + " is too large (" + bytes + " bytes)");
        }
        this.type = type;
        this.capacity = capacity;
        this.kvDim = c.kvDim();
        if (type == KvType.F16) {
            this.keys16 = new short[c.layers()][capacity * kvDim];
            this.values16 = new short[c.layers()][capacity * kvDim];
            this.keys = null;
            this.values = null;
        } else {
            this.keys = new float[c.layers()][capacity * kvDim];
            this.values = new float[c.layers()][capacity * kvDim];
            this.keys16 = null;
            this.values16 = null;
        }
    }

    public KvType type() {
        return type;
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

    /** Stores key k[kOff ..+kvDim) and value v[vOff ..+kvDim) at position pos of a layer (rounded to F16 when so typed). */
    void write(int layer, int pos, float[] k, int kOff, float[] v, int vOff) {
        int o = pos * kvDim;
        if (type == KvType.F16) {
            short[] kd = keys16[layer];
            short[] vd = values16[layer];
            for (int i = 0; i < kvDim; i++) {
                kd[o + i] = Float.floatToFloat16(k[kOff + i]);
                vd[o + i] = Float.floatToFloat16(v[vOff + i]);
            }
        } else {
            System.arraycopy(k, kOff, keys[layer], o, kvDim);
            System.arraycopy(v, vOff, values[layer], o, kvDim);
        }
    }

    /** Memory held, in bytes. */
    public long sizeBytes() {
        int layers = type == KvType.F16 ? keys16.length : keys.length;
        return 2L * layers * (long) capacity * kvDim * type.bytesPerValue();
    }
}
