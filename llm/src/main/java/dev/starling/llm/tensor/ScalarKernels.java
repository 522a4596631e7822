package dev.starling.llm.tensor;

import java.lang.foreign.MemorySegment;

/**
 * The readable reference: dequantization element by element, exactly as ggml's dequantize_row_*,
 * and a dot product defined as the sum of dequantized weight times x. The vector kernels are tested
 * against this.
 */
public final class ScalarKernels {
    private ScalarKernels() {
    }

    /** Dequantizes {@code cols} elements of one row starting at byte {@code off} into out[outOff..]. */
    public static void dequantizeRow(QuantType type, MemorySegment s, long off, float[] out, int outOff, int cols) {
        type.rowBytes(cols); // validates the multiple
        switch (type) {
            case F32 -> {
                for (int i = 0; i < cols; i++) {
                    out[outOff + i] = s.get(Blocks.FLOAT_LE, off + 4L * i);
                }
            }
            case F16 -> {
                for (int i = 0; i < cols; i++) {
                    out[outOff + i] = Blocks.f16(s, off + 2L * i);
                }
            }
            case BF16 -> {
                for (int i = 0; i < cols; i++) {
                    out[outOff + i] = Blocks.bf16(s, off + 2L * i);
                }
            }
            case Q8_0 -> {
                for (int b = 0; b < cols / 32; b++) {
                    long bo = off + 34L * b;
                    float d = Blocks.f16(s, bo);
                    for (int j = 0; j < 32; j++) {
                        out[outOff + 32 * b + j] = d * Blocks.i8(s, bo + 2 + j);
                    }
                }
            }
            case Q4_0 -> {
                for (int b = 0; b < cols / 32; b++) {
                    long bo = off + 18L * b;
                    float d = Blocks.f16(s, bo);
                    for (int j = 0; j < 16; j++) {
                        int q = Blocks.u8(s, bo + 2 + j);
                        out[outOff + 32 * b + j] = d * ((q & 0xF) - 8);
                        out[outOff + 32 * b + j + 16] = d * ((q >> 4) - 8);
                    }
                }
            }
            case Q4_K -> {
                for (int b = 0; b < cols / 256; b++) {
                    long bo = off + 144L * b;
                    float d = Blocks.f16(s, bo);
                    float dmin = Blocks.f16(s, bo + 2);
                    long sc = bo + 4;
                    long qs = bo + 16;
                    int y = outOff + 256 * b;
                    for (int j = 0; j < 4; j++) { // 64 elements per step: two sub-blocks sharing 32 bytes
                        float d1 = d * Blocks.q4kScale(s, sc, 2 * j);
                        float m1 = dmin * Blocks.q4kMin(s, sc, 2 * j);
                        float d2 = d * Blocks.q4kScale(s, sc, 2 * j + 1);
                        float m2 = dmin * Blocks.q4kMin(s, sc, 2 * j + 1);
                        for (int l = 0; l < 32; l++) {
                            int q = Blocks.u8(s, qs + 32L * j + l);
                            out[y + 64 * j + l] = d1 * (q & 0xF) - m1;
                            out[y + 64 * j + 32 + l] = d2 * (q >> 4) - m2;
                        }
                    }
                }
            }
            case Q6_K -> {
                for (int b = 0; b < cols / 256; b++) {
                    long bo = off + 210L * b;
                    float d = Blocks.f16(s, bo + 208);
                    for (int h = 0; h < 2; h++) { // two halves of 128
                        long ql = bo + 64L * h;
                        long qh = bo + 128 + 32L * h;
                        long sc = bo + 192 + 8L * h;
                        int y = outOff + 256 * b + 128 * h;
                        for (int l = 0; l < 32; l++) {
                            int is = l / 16;
                            int lo0 = Blocks.u8(s, ql + l);
                            int lo1 = Blocks.u8(s, ql + l + 32);
                            int hi = Blocks.u8(s, qh + l);
                            int q1 = ((lo0 & 0xF) | ((hi & 3) << 4)) - 32;
                            int q2 = ((lo1 & 0xF) | (((hi >> 2) & 3) << 4)) - 32;
                            int q3 = ((lo0 >> 4) | (((hi >> 4) & 3) << 4)) - 32;
                            int q4 = ((lo1 >> 4) | (((hi >> 6) & 3) << 4)) - 32;
                            out[y + l] = d * Blocks.i8(s, sc + is) * q1;
                            out[y + l + 32] = d * Blocks.i8(s, sc + is + 2) * q2;
                            out[y + l + 64] = d * Blocks.i8(s, sc + is + 4) * q3;
                            out[y + l + 96] = d * Blocks.i8(s, sc + is + 6) * q4;
                        }
                    }
                }
            }
        }
    }

    /** sum_i dequant(w)[i] * x[xOff+i], over one row of {@code cols} elements at byte {@code off}. */
    public static float dot(QuantType type, MemorySegment s, long off, float[] x, int xOff, int cols) {
        float[] row = new float[cols];
        dequantizeRow(type, s, off, row, 0, cols);
        double sum = 0;
        for (int i = 0; i < cols; i++) {
            sum += (double) row[i] * x[xOff + i];
        }
        return (float) sum;
    }

    /** Plain float dot product of a[aOff..aOff+n) and b[bOff..bOff+n). */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (double) a[aOff + i] * b[bOff + i];
        }
        return (float) sum;
    }
}
