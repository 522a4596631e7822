package dev.starling.llm.gguf;

import java.util.Arrays;

/**
 * One tensor's description from a GGUF header.
 *
 * @param name   tensor name, e.g. {@code blk.0.attn_q.weight}
 * @param dims   ggml order: dims[0] is the innermost (row) length, e.g. a [rows][cols] matrix has dims {cols, rows}
 * @param type   element type
 * @param offset byte offset relative to the start of the data section
 */
public record GgufTensorInfo(String name, long[] dims, GgmlType type, long offset) {

    public GgufTensorInfo {
        dims = dims.clone();
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    public int dimCount() {
        return dims.length;
    }

    /** Length of dimension i (ggml order); 1 for i beyond the stored dims. */
    public long dim(int i) {
        return i < dims.length ? dims[i] : 1L;
    }

    public long elementCount() {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Number of rows: the product of all dims but the first. */
    public long rowCount() {
        return elementCount() / dims[0];
    }

    public long sizeBytes() {
        return type.bytesFor(elementCount());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && name.equals(t.name) && Arrays.equals(dims, t.dims)
                && type == t.type && offset == t.offset;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(dims) + " " + type + " @" + offset;
    }
}
