package dev.starling.llm.gguf.quant;

import dev.starling.llm.gguf.GgmlType;

/**
 * Float to ggml block quantization, readable scalar code following ggml's {@code quantize_row_*_ref}
 * ({@code ggml-quants.c}) so that files we write hold what llama.cpp itself would write. Byte layouts are in
 * {@link GgmlType}'s javadoc; all multi-byte fields are little-endian.
 *
 * <p>Rows must be a whole number of blocks. The dequantization kernels that compute with these bytes live in
 * {@code dev.starling.llm.tensor}; {@link Dequantize} is the plain reference used to test both.
 */
public final class Quantize {

    private Quantize() {
    }

    /** Whether {@link #row} can produce this type. */
    public static boolean canQuantize(GgmlType type) {
        return switch (type) {
            case F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K -> true;
            default -> false;
        };
    }

    /**
     * Quantizes {@code n} floats from {@code src[srcOff..]} into {@code type.bytesFor(n)} bytes at
     * {@code dst[dstOff..]}; n must be a multiple of the type's block size.
     */
    public static void row(GgmlType type, float[] src, int srcOff, int n, byte[] dst, int dstOff) {
        if (n % type.blockSize() != 0) {
            throw new IllegalArgumentException(n + " values is not a whole number of " + type + " blocks of "
                    + type.blockSize());
        }
        long need = type.bytesFor(n);
        if (srcOff < 0 || srcOff + (long) n > src.length || dstOff < 0 || dstOff + need > dst.length) {
            throw new IllegalArgumentException("row of " + n + " " + type + " values does not fit the arrays");
        }
        switch (type) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    Bytes.putInt(dst, dstOff + 4 * i, Float.floatToRawIntBits(src[srcOff + i]));
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    Bytes.putShort(dst, dstOff + 2 * i, Float.floatToFloat16(src[srcOff + i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    Bytes.putShort(dst, dstOff + 2 * i, toBf16(src[srcOff + i]));
                }
            }
            case Q8_0 -> q8_0(src, srcOff, n, dst, dstOff);
            case Q4_0 -> q4_0(src, srcOff, n, dst, dstOff);
            case Q4_K -> KQuants.q4_K(src, srcOff, n, dst, dstOff);
            case Q6_K -> KQuants.q6_K(src, srcOff, n, dst, dstOff);
            default -> throw new IllegalArgumentException("quantization to " + type + " is not implemented");
        }
    }

    /** Convenience: quantizes a whole array (length a multiple of the block size). */
    public static byte[] all(GgmlType type, float[] src) {
        byte[] dst = new byte[Math.toIntExact(type.bytesFor(src.length))];
        row(type, src, 0, src.length, dst, 0);
        return dst;
    }

    /** ggml_compute_fp32_to_bf16: round to nearest even, NaN kept quiet. */
    public static short toBf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) {
            return (short) ((u >>> 16) | 64);
        }
        return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
    }

    /** Q8_0: d = max|x| / 127; q = roundf(x / d) (half away from zero). */
    static void q8_0(float[] x, int xOff, int n, byte[] y, int yOff) {
        for (int b = 0; b < n / 32; b++) {
            int xb = xOff + 32 * b;
            int yb = yOff + 34 * b;
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                float ax = Math.abs(x[xb + j]);
                amax = amax > ax ? amax : ax; // ggml's MAX macro (not Math.max, which differs on NaN and is slower)
            }
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            Bytes.putShort(y, yb, Float.floatToFloat16(d));
            for (int j = 0; j < 32; j++) {
                y[yb + 2 + j] = (byte) roundf(x[xb + j] * id);
            }
        }
    }

    /** Q4_0: d = (value of largest magnitude) / -8; q = min(15, trunc(x / d + 8.5)). */
    static void q4_0(float[] x, int xOff, int n, byte[] y, int yOff) {
        for (int b = 0; b < n / 32; b++) {
            int xb = xOff + 32 * b;
            int yb = yOff + 18 * b;
            float amax = 0;
            float max = 0;
            for (int j = 0; j < 32; j++) {
                float v = x[xb + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8f;
            float id = d != 0 ? 1f / d : 0f;
            Bytes.putShort(y, yb, Float.floatToFloat16(d));
            for (int j = 0; j < 16; j++) {
                float x0 = x[xb + j] * id;
                float x1 = x[xb + 16 + j] * id;
                int xi0 = Math.min(15, (byte) (int) (x0 + 8.5f));
                int xi1 = Math.min(15, (byte) (int) (x1 + 8.5f));
                y[yb + 2 + j] = (byte) (xi0 | (xi1 << 4));
            }
        }
    }

    /** C roundf (round half away from zero) for |v| < 2^31, as an int. */
    static int roundf(float v) {
        int i = (int) v; // toward zero
        float frac = v - i; // exact for floats of this size, in (-1, 1)
        return i + (int) (frac * 2); // +1 when frac >= 0.5, -1 when frac <= -0.5, branch-free
    }

    /**
     * ggml's nearest_int, the same bit trick: round half to even for |v| <= 4194303 (ggml asserts that range; out
     * of it both give the same meaningless value).
     */
    static int nearestInt(float v) {
        return (Float.floatToRawIntBits(v + 12582912f) & 0x007fffff) - 0x00400000;
    }
}
