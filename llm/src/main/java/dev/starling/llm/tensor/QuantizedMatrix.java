package dev.starling.llm.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A row-major matrix of {@code rows x cols} elements stored in {@code type}'s block encoding, viewed
 * straight over a (typically memory-mapped) segment: nothing is copied. Row r starts at
 * {@code r * rowBytes}. In ggml terms, a weight of dims [cols, rows] (ne0 = cols).
 */
public record QuantizedMatrix(String name, QuantType type, MemorySegment data, int rows, int cols) {

    public QuantizedMatrix {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException(name + ": rows and cols must be positive, got " + rows + "x" + cols);
        }
        long need = type.rowBytes(cols) * rows;
        if (data.byteSize() < need) {
            throw new IllegalArgumentException(name + ": " + type + " " + rows + "x" + cols + " needs " + need
                    + " bytes, segment has " + data.byteSize());
        }
    }

    /** Bytes per row. */
    public long rowBytes() {
        return type.rowBytes(cols);
    }

    /** Byte offset of row r within {@link #data()}. */
    public long rowOffset(int row) {
        return row * rowBytes();
    }

    /** Total bytes of the matrix. */
    public long sizeBytes() {
        return rowBytes() * rows;
    }

    /** Dequantizes one row into out[outOff .. outOff+cols). */
    public void dequantizeRow(int row, float[] out, int outOff) {
        Kernels.dequantizeRow(type, data, rowOffset(row), out, outOff, cols);
    }
}
