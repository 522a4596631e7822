package dev.starling.llm.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

/** Random but valid encoded rows (finite scales) for kernel tests. */
final class RandomRows {
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private RandomRows() {
    }

    /** A segment of {@code rows} rows of {@code cols} elements of type, plus {@code pad} leading bytes. */
    static MemorySegment matrix(Arena arena, QuantType type, int rows, int cols, int pad, Random r) {
        long rowBytes = type.rowBytes(cols);
        MemorySegment s = arena.allocate(pad + rowBytes * rows, 1);
        byte[] bytes = new byte[(int) s.byteSize()];
        r.nextBytes(bytes);
        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
        for (int row = 0; row < rows; row++) {
            long off = pad + row * rowBytes;
            switch (type) {
                case F32 -> {
                    for (int i = 0; i < cols; i++) {
                        s.set(FLOAT_LE, off + 4L * i, (float) r.nextGaussian());
                    }
                }
                case F16 -> {
                    for (int i = 0; i < cols; i++) {
                        // include subnormal halves now and then
                        float v = r.nextInt(50) == 0 ? (float) (r.nextGaussian() * 1e-6) : (float) r.nextGaussian();
                        s.set(SHORT_LE, off + 2L * i, Float.floatToFloat16(v));
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < cols; i++) {
                        s.set(SHORT_LE, off + 2L * i, (short) (Float.floatToRawIntBits((float) r.nextGaussian()) >>> 16));
                    }
                }
                case Q8_0, Q4_0 -> {
                    for (int b = 0; b < cols / 32; b++) {
                        s.set(SHORT_LE, off + (long) type.blockBytes * b, Float.floatToFloat16(scale(r)));
                    }
                }
                case Q4_K -> {
                    for (int b = 0; b < cols / 256; b++) {
                        s.set(SHORT_LE, off + 144L * b, Float.floatToFloat16(scale(r)));
                        s.set(SHORT_LE, off + 144L * b + 2, Float.floatToFloat16(scale(r)));
                    }
                }
                case Q6_K -> {
                    for (int b = 0; b < cols / 256; b++) {
                        s.set(SHORT_LE, off + 210L * b + 208, Float.floatToFloat16(scale(r)));
                    }
                }
            }
        }
        return s;
    }

    static float scale(Random r) {
        return (float) (r.nextGaussian() * 0.05);
    }

    static float[] vector(int n, Random r) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /**
     * Tolerance for a float dot product of row (type, off) with x: 1e-5 of the sum of |terms| (float rounding grows
     * with the terms, not with the result, which cancellation can make small) plus 1e-6. A wrong element or a
     * misplaced block is off by about one term, far more.
     */
    static float dotTolerance(QuantType type, MemorySegment s, long off, float[] x, int xOff, int cols) {
        float[] row = new float[cols];
        ScalarKernels.dequantizeRow(type, s, off, row, 0, cols);
        double terms = 0;
        for (int i = 0; i < cols; i++) {
            terms += Math.abs((double) row[i] * x[xOff + i]);
        }
        return (float) (1e-5 * terms + 1e-6);
    }
}
