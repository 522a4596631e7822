package dev.starling.llm.gguf.quant;

import dev.starling.llm.gguf.GgmlType;

/**
 * Plain scalar dequantization ({@code dequantize_row_*} in ggml), the reference that round-trip tests and the fast
 * kernels in {@code dev.starling.llm.tensor} are checked against. Not meant to be fast.
 */
public final class Dequantize {

    private Dequantize() {
    }

    /** Decodes {@code n} values of {@code type} from {@code src[srcOff..]} into {@code dst[dstOff..]}. */
    public static void row(GgmlType type, byte[] src, int srcOff, int n, float[] dst, int dstOff) {
        if (n % type.blockSize() != 0) {
            throw new IllegalArgumentException(n + " values is not a whole number of " + type + " blocks");
        }
        if (srcOff < 0 || srcOff + type.bytesFor(n) > src.length || dstOff < 0 || dstOff + (long) n > dst.length) {
            throw new IllegalArgumentException("row of " + n + " " + type + " values does not fit the arrays");
        }
        switch (type) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    dst[dstOff + i] = Float.intBitsToFloat(Bytes.getInt(src, srcOff + 4 * i));
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    dst[dstOff + i] = Bytes.half(src, srcOff + 2 * i);
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    dst[dstOff + i] = Float.intBitsToFloat((Bytes.getShort(src, srcOff + 2 * i) & 0xFFFF) << 16);
                }
            }
            case Q8_0 -> {
                for (int b = 0; b < n / 32; b++) {
                    int s = srcOff + 34 * b;
                    float d = Bytes.half(src, s);
                    for (int j = 0; j < 32; j++) {
                        dst[dstOff + 32 * b + j] = src[s + 2 + j] * d;
                    }
                }
            }
            case Q4_0 -> {
                for (int b = 0; b < n / 32; b++) {
                    int s = srcOff + 18 * b;
                    int o = dstOff + 32 * b;
                    float d = Bytes.half(src, s);
                    for (int j = 0; j < 16; j++) {
                        int q = src[s + 2 + j] & 0xFF;
                        dst[o + j] = ((q & 0x0F) - 8) * d;
                        dst[o + j + 16] = ((q >> 4) - 8) * d;
                    }
                }
            }
            case Q4_K -> {
                int[] scm = new int[2];
                for (int b = 0; b < n / 256; b++) {
                    int s = srcOff + 144 * b;
                    int o = dstOff + 256 * b;
                    float d = Bytes.half(src, s);
                    float min = Bytes.half(src, s + 2);
                    int q = s + 16;
                    int is = 0;
                    for (int j = 0; j < 256; j += 64) {
                        KQuants.scaleMinK4(is, src, s + 4, scm);
                        float d1 = d * scm[0];
                        float m1 = min * scm[1];
                        KQuants.scaleMinK4(is + 1, src, s + 4, scm);
                        float d2 = d * scm[0];
                        float m2 = min * scm[1];
                        for (int l = 0; l < 32; l++) {
                            dst[o + j + l] = d1 * (src[q + l] & 0xF) - m1;
                        }
                        for (int l = 0; l < 32; l++) {
                            dst[o + j + 32 + l] = d2 * ((src[q + l] & 0xFF) >> 4) - m2;
                        }
                        q += 32;
                        is += 2;
                    }
                }
            }
            case Q6_K -> {
                for (int b = 0; b < n / 256; b++) {
                    int s = srcOff + 210 * b;
                    int o = dstOff + 256 * b;
                    float d = Bytes.half(src, s + 208);
                    int ql = s;
                    int qh = s + 128;
                    int sc = s + 192;
                    for (int m = 0; m < 256; m += 128) {
                        for (int l = 0; l < 32; l++) {
                            int is = l / 16;
                            int h = src[qh + l] & 0xFF;
                            int q1 = ((src[ql + l] & 0xF) | ((h & 3) << 4)) - 32;
                            int q2 = ((src[ql + l + 32] & 0xF) | (((h >> 2) & 3) << 4)) - 32;
                            int q3 = (((src[ql + l] & 0xFF) >> 4) | (((h >> 4) & 3) << 4)) - 32;
                            int q4 = (((src[ql + l + 32] & 0xFF) >> 4) | (((h >> 6) & 3) << 4)) - 32;
                            dst[o + m + l] = d * src[sc + is] * q1;
                            dst[o + m + l + 32] = d * src[sc + is + 2] * q2;
                            dst[o + m + l + 64] = d * src[sc + is + 4] * q3;
                            dst[o + m + l + 96] = d * src[sc + is + 6] * q4;
                        }
                        ql += 64;
                        qh += 32;
                        sc += 8;
                    }
                }
            }
            default -> throw new IllegalArgumentException("dequantization of " + type + " is not implemented");
        }
    }

    /** Convenience: decodes a whole array of {@code n} values. */
    public static float[] all(GgmlType type, byte[] src, int n) {
        float[] dst = new float[n];
        row(type, src, 0, n, dst, 0);
        return dst;
    }
}
