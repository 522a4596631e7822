package dev.starling.llm.tensor;

import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked products of a few weight rows with a small batch of tokens (batched decode): each
 * 32-element block of 2 rows is decoded from its bytes straight into registers once and applied to 8
 * (or 4) tokens, with 16 (or 8) accumulators; no decoded row is written to memory and every block scale
 * multiply serves all those tokens. Used by {@link MatMul} for batches too small for its
 * decode-a-panel-then-multiply path to pay off. Agrees with {@link ScalarKernels} up to float rounding
 * (tested on random shapes with ragged row and token tails).
 * <p>Each block gives, per row, two vectors per step j: columns [j, j+L) and [16+j, 16+j+L), which is
 * how Q4_0 packs its nibbles; Q8_0 is read the same way so that both share one loop shape.
 * <p>The unrolled kernels at the end were written out by a small generator (one per type and token count);
 * they must stay plain straight-line code: C2 stops inlining vector helpers past a node budget, and a vector
 * that crosses a call that was not inlined is boxed (ten times slower).
 */
final class BatchKernels {
    /** Rows staged together (one {@link MatMul} tile). */
    static final int ROWS = 4;
    private static final VectorSpecies<Float> F = VectorKernels.F;
    private static final VectorSpecies<Byte> BL = VectorKernels.BL;
    private static final int L = VectorKernels.L;
    private static final ThreadLocal<byte[]> STAGED = ThreadLocal.withInitial(() -> new byte[0]);
    /** Accumulators of one kernel call (2 rows x 8 tokens vectors), summed by {@link #reduce}. */
    private static final ThreadLocal<float[]> ACC = ThreadLocal.withInitial(() -> new float[16 * L]);

    private BatchKernels() {
    }

    /** Whether {@link #rows} handles this weight type. */
    static boolean supports(QuantType type) {
        return type == QuantType.Q8_0 || type == QuantType.Q4_0;
    }

    /**
     * out[t * outStride + outOff + r] = dot(row r, x[t * cols ..]) for rows r in [r0, r0 + count) (count at most
     * {@link #ROWS}) and tokens t in [0, n). Pairs of rows go through the register kernels 8, then 4 tokens at a
     * time; a last odd row and the last n % 4 tokens use the one-row dot product.
     */
    static void rows(QuantizedMatrix w, int r0, int count, float[] x, int n, float[] out, int outOff, int outStride) {
        int cols = w.cols();
        int rowBytes = Math.toIntExact(w.rowBytes());
        int pairs = count / 2;
        int t = 0;
        if (pairs > 0 && n >= 4) {
            byte[] s = stage(w, r0, 2 * pairs);
            float[] acc = ACC.get();
            for (; t + 8 <= n; t += 8) {
                for (int p = 0; p < pairs; p++) {
                    x8(w.type(), s, 2 * p * rowBytes, rowBytes, cols, x, t, acc, out, t * outStride + outOff + r0 + 2 * p, outStride);
                }
            }
            for (; t + 4 <= n; t += 4) {
                for (int p = 0; p < pairs; p++) {
                    x4(w.type(), s, 2 * p * rowBytes, rowBytes, cols, x, t, acc, out, t * outStride + outOff + r0 + 2 * p, outStride);
                }
            }
        }
        for (int tt = 0; tt < n; tt++) {
            int from = tt < t ? 2 * pairs : 0; // rows the register kernels already did for this token
            for (int i = from; i < count; i++) {
                out[tt * outStride + outOff + r0 + i] = Kernels.dot(w.type(), w.data(), (r0 + i) * w.rowBytes(), x, tt * cols, cols);
            }
        }
    }

    /**
     * Copies rows r0.. r0+count-1 (contiguous) into a per-thread array: the kernels then read a plain array,
     * whose vector loads cost C2 far fewer nodes than segment loads (with segment loads the kernels grew past
     * the inlining budget and their vectors were boxed).
     */
    private static byte[] stage(QuantizedMatrix w, int r0, int count) {
        int bytes = Math.toIntExact(count * w.rowBytes());
        byte[] b = STAGED.get();
        if (b.length < bytes) {
            b = new byte[Math.max(bytes, ROWS * Math.toIntExact(w.rowBytes()))];
            STAGED.set(b);
        }
        java.lang.foreign.MemorySegment.copy(w.data(), ValueLayout.JAVA_BYTE, r0 * w.rowBytes(), b, 0, bytes);
        return b;
    }

    private static void x8(QuantType type, byte[] s, int off, int rowBytes, int cols, float[] x, int t0, float[] acc, float[] out, int outOff, int outStride) {
        if (type == QuantType.Q8_0) {
            q8_0x8(s, off, rowBytes, cols, x, t0, acc, out, outOff, outStride);
        } else {
            q4_0x8(s, off, rowBytes, cols, x, t0, acc, out, outOff, outStride);
        }
    }

    private static void x4(QuantType type, byte[] s, int off, int rowBytes, int cols, float[] x, int t0, float[] acc, float[] out, int outOff, int outStride) {
        if (type == QuantType.Q8_0) {
            q8_0x4(s, off, rowBytes, cols, x, t0, acc, out, outOff, outStride);
        } else {
            q4_0x4(s, off, rowBytes, cols, x, t0, acc, out, outOff, outStride);
        }
    }

    /** out[outOff + t * outStride + r] = lanes of acc vector 2t + r summed, for rows r in 0..1 and tokens t in [0, tokens). */
    private static void reduce(float[] acc, int tokens, float[] out, int outOff, int outStride) {
        for (int t = 0; t < tokens; t++) {
            int o = outOff + t * outStride;
            out[o] = VectorKernels.sum(FloatVector.fromArray(F, acc, 2 * t * L));
            out[o + 1] = VectorKernels.sum(FloatVector.fromArray(F, acc, (2 * t + 1) * L));
        }
    }

    private static FloatVector q8(byte[] s, int off, FloatVector d) {
        return ((FloatVector) ByteVector.fromArray(BL, s, off).castShape(F, 0)).mul(d);
    }

    private static FloatVector low4(ByteVector q, FloatVector d) {
        return ((FloatVector) q.and((byte) 0xF).sub((byte) 8).castShape(F, 0)).mul(d);
    }

    private static FloatVector high4(ByteVector q, FloatVector d) {
        return ((FloatVector) VectorKernels.highNibbles(q).sub((byte) 8).castShape(F, 0)).mul(d);
    }

    /** Rows at rows[off] and rows[off + rowBytes] (Q8_0) times tokens t0..t0+7. */
    static void q8_0x8(byte[] s, int off, int rowBytes, int cols, float[] x, int t0, float[] acc, float[] out, int outOff, int outStride) {
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F), a02 = FloatVector.zero(F), a03 = FloatVector.zero(F), a04 = FloatVector.zero(F), a05 = FloatVector.zero(F), a06 = FloatVector.zero(F), a07 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F), a12 = FloatVector.zero(F), a13 = FloatVector.zero(F), a14 = FloatVector.zero(F), a15 = FloatVector.zero(F), a16 = FloatVector.zero(F), a17 = FloatVector.zero(F);
        int x0 = t0 * cols;
        int x1 = x0 + cols;
        int x2 = x1 + cols;
        int x3 = x2 + cols;
        int x4 = x3 + cols;
        int x5 = x4 + cols;
        int x6 = x5 + cols;
        int x7 = x6 + cols;
        int blocks = cols / 32;
        for (int b = 0; b < blocks; b++) {
            int o0 = off + 34 * b;
            int o1 = o0 + rowBytes;
            FloatVector d0 = FloatVector.broadcast(F, Float.float16ToFloat((short) ((s[o0] & 0xFF) | (s[o0 + 1] << 8))));
            FloatVector d1 = FloatVector.broadcast(F, Float.float16ToFloat((short) ((s[o1] & 0xFF) | (s[o1 + 1] << 8))));
            int xb = 32 * b;
            for (int j = 0; j < 16; j += L) {
                FloatVector w0 = q8(s, o0 + 2 + j, d0);
                FloatVector w1 = q8(s, o1 + 2 + j, d1);
                FloatVector v0 = q8(s, o0 + 18 + j, d0);
                FloatVector v1 = q8(s, o1 + 18 + j, d1);
                int xj = xb + j;
                FloatVector xa0 = FloatVector.fromArray(F, x, x0 + xj);
                FloatVector xc0 = FloatVector.fromArray(F, x, x0 + xj + 16);
                a00 = v0.fma(xc0, w0.fma(xa0, a00));
                a10 = v1.fma(xc0, w1.fma(xa0, a10));
                FloatVector xa1 = FloatVector.fromArray(F, x, x1 + xj);
                FloatVector xc1 = FloatVector.fromArray(F, x, x1 + xj + 16);
                a01 = v0.fma(xc1, w0.fma(xa1, a01));
                a11 = v1.fma(xc1, w1.fma(xa1, a11));
                FloatVector xa2 = FloatVector.fromArray(F, x, x2 + xj);
                FloatVector xc2 = FloatVector.fromArray(F, x, x2 + xj + 16);
                a02 = v0.fma(xc2, w0.fma(xa2, a02));
                a12 = v1.fma(xc2, w1.fma(xa2, a12));
                FloatVector xa3 = FloatVector.fromArray(F, x, x3 + xj);
                FloatVector xc3 = FloatVector.fromArray(F, x, x3 + xj + 16);
                a03 = v0.fma(xc3, w0.fma(xa3, a03));
                a13 = v1.fma(xc3, w1.fma(xa3, a13));
                FloatVector xa4 = FloatVector.fromArray(F, x, x4 + xj);
                FloatVector xc4 = FloatVector.fromArray(F, x, x4 + xj + 16);
                a04 = v0.fma(xc4, w0.fma(xa4, a04));
                a14 = v1.fma(xc4, w1.fma(xa4, a14));
                FloatVector xa5 = FloatVector.fromArray(F, x, x5 + xj);
                FloatVector xc5 = FloatVector.fromArray(F, x, x5 + xj + 16);
                a05 = v0.fma(xc5, w0.fma(xa5, a05));
                a15 = v1.fma(xc5, w1.fma(xa5, a15));
                FloatVector xa6 = FloatVector.fromArray(F, x, x6 + xj);
                FloatVector xc6 = FloatVector.fromArray(F, x, x6 + xj + 16);
                a06 = v0.fma(xc6, w0.fma(xa6, a06));
                a16 = v1.fma(xc6, w1.fma(xa6, a16));
                FloatVector xa7 = FloatVector.fromArray(F, x, x7 + xj);
                FloatVector xc7 = FloatVector.fromArray(F, x, x7 + xj + 16);
                a07 = v0.fma(xc7, w0.fma(xa7, a07));
                a17 = v1.fma(xc7, w1.fma(xa7, a17));
            }
        }
        // stored and summed by reduce(): summing here would push the kernel past C2's inlining budget (boxed vectors)
        a00.intoArray(acc, 0 * L);
        a10.intoArray(acc, 1 * L);
        a01.intoArray(acc, 2 * L);
        a11.intoArray(acc, 3 * L);
        a02.intoArray(acc, 4 * L);
        a12.intoArray(acc, 5 * L);
        a03.intoArray(acc, 6 * L);
        a13.intoArray(acc, 7 * L);
        a04.intoArray(acc, 8 * L);
        a14.intoArray(acc, 9 * L);
        a05.intoArray(acc, 10 * L);
        a15.intoArray(acc, 11 * L);
        a06.intoArray(acc, 12 * L);
        a16.intoArray(acc, 13 * L);
        a07.intoArray(acc, 14 * L);
        a17.intoArray(acc, 15 * L);
        reduce(acc, 8, out, outOff, outStride);
    }

    /** Rows at rows[off] and rows[off + rowBytes] (Q8_0) times tokens t0..t0+3. */
    static void q8_0x4(byte[] s, int off, int rowBytes, int cols, float[] x, int t0, float[] acc, float[] out, int outOff, int outStride) {
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F), a02 = FloatVector.zero(F), a03 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F), a12 = FloatVector.zero(F), a13 = FloatVector.zero(F);
        int x0 = t0 * cols;
        int x1 = x0 + cols;
        int x2 = x1 + cols;
        int x3 = x2 + cols;
        int blocks = cols / 32;
        for (int b = 0; b < blocks; b++) {
            int o0 = off + 34 * b;
            int o1 = o0 + rowBytes;
            FloatVector d0 = FloatVector.broadcast(F, Float.float16ToFloat((short) ((s[o0] & 0xFF) | (s[o0 + 1] << 8))));
            FloatVector d1 = FloatVector.broadcast(F, Float.float16ToFloat((short) ((s[o1] & 0xFF) | (s[o1 + 1] << 8))));
            int xb = 32 * b;
            for (int j = 0; j < 16; j += L) {
                FloatVector w0 = q8(s, o0 + 2 + j, d0);
                FloatVector w1 = q8(s, o1 + 2 + j, d1);
                FloatVector v0 = q8(s, o0 + 18 + j, d0);
                FloatVector v1 = q8(s, o1 + 18 + j, d1);
                int xj = xb + j;
                FloatVector xa0 = FloatVector.fromArray(F, x, x0 + xj);
                FloatVector xc0 = FloatVector.fromArray(F, x, x0 + xj + 16);
                a00 = v0.fma(xc0, w0.fma(xa0, a00));
                a10 = v1.fma(xc0, w1.fma(xa0, a10));
                FloatVector xa1 = FloatVector.fromArray(F, x, x1 + xj);
                FloatVector xc1 = FloatVector.fromArray(F, x, x1 + xj + 16);
                a01 = v0.fma(xc1, w0.fma(xa1, a01));
                a11 = v1.fma(xc1, w1.fma(xa1, a11));
                FloatVector xa2 = FloatVector.fromArray(F, x, x2 + xj);
                FloatVector xc2 = FloatVector.fromArray(F, x, x2 + xj + 16);
                a02 = v0.fma(xc2, w0.fma(xa2, a02));
                a12 = v1.fma(xc2, w1.fma(xa2, a12));
                FloatVector xa3 = FloatVector.fromArray(F, x, x3 + xj);
                FloatVector xc3 = FloatVector.fromArray(F, x, x3 + xj + 16);
                a03 = v0.fma(xc3, w0.fma(xa3, a03));
                a13 = v1.fma(xc3, w1.fma(xa3, a13));
            }
        }
        // stored and summed by reduce(): summing here would push the kernel past C2's inlining budget (boxed vectors)
        a00.intoArray(acc, 0 * L);
        a10.intoArray(acc, 1 * L);
        a01.intoArray(acc, 2 * L);
        a11.intoArray(acc, 3 * L);
        a02.intoArray(acc, 4 * L);
        a12.intoArray(acc, 5 * L);
        a03.intoArray(acc, 6 * L);
        a13.intoArray(acc, 7 * L);
        reduce(acc, 4, out, outOff, outStride);
    }

    /** Rows at rows[off] and rows[off + rowBytes] (Q4_0) times tokens t0..t0+7. */
    static void q4_0x8(byte[] s, int off, int rowBytes, int cols, float[] x, int t0, float[] acc, float[] out, int outOff, int outStride) {
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F), a02 = FloatVector.zero(F), a03 = FloatVector.zero(F), a04 = FloatVector.zero(F), a05 = FloatVector.zero(F), a06 = FloatVector.zero(F), a07 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F), a12 = FloatVector.zero(F), a13 = FloatVector.zero(F), a14 = FloatVector.zero(F), a15 = FloatVector.zero(F), a16 = FloatVector.zero(F), a17 = FloatVector.zero(F);
        int x0 = t0 * cols;
        int x1 = x0 + cols;
        int x2 = x1 + cols;
        int x3 = x2 + cols;
        int x4 = x3 + cols;
        int x5 = x4 + cols;
        int x6 = x5 + cols;
        int x7 = x6 + cols;
        int blocks = cols / 32;
        for (int b = 0; b < blocks; b++) {
            int o0 = off + 18 * b;
            int o1 = o0 + rowBytes;
            FloatVector d0 = FloatVector.broadcast(F, Float.float16ToFloat((short) ((s[o0] & 0xFF) | (s[o0 + 1] << 8))));
            FloatVector d1 = FloatVector.broadcast(F, Float.float16ToFloat((short) ((s[o1] & 0xFF) | (s[o1 + 1] << 8))));
            int xb = 32 * b;
            for (int j = 0; j < 16; j += L) {
                ByteVector q0 = ByteVector.fromArray(BL, s, o0 + 2 + j);
                ByteVector q1 = ByteVector.fromArray(BL, s, o1 + 2 + j);
                FloatVector w0 = low4(q0, d0);
                FloatVector w1 = low4(q1, d1);
                FloatVector v0 = high4(q0, d0);
                FloatVector v1 = high4(q1, d1);
                int xj = xb + j;
                FloatVector xa0 = FloatVector.fromArray(F, x, x0 + xj);
                FloatVector xc0 = FloatVector.fromArray(F, x, x0 + xj + 16);
                a00 = v0.fma(xc0, w0.fma(xa0, a00));
                a10 = v1.fma(xc0, w1.fma(xa0, a10));
                FloatVector xa1 = FloatVector.fromArray(F, x, x1 + xj);
                FloatVector xc1 = FloatVector.fromArray(F, x, x1 + xj + 16);
                a01 = v0.fma(xc1, w0.fma(xa1, a01));
                a11 = v1.fma(xc1, w1.fma(xa1, a11));
                FloatVector xa2 = FloatVector.fromArray(F, x, x2 + xj);
                FloatVector xc2 = FloatVector.fromArray(F, x, x2 + xj + 16);
                a02 = v0.fma(xc2, w0.fma(xa2, a02));
                a12 = v1.fma(xc2, w1.fma(xa2, a12));
                FloatVector xa3 = FloatVector.fromArray(F, x, x3 + xj);
                FloatVector xc3 = FloatVector.fromArray(F, x, x3 + xj + 16);
                a03 = v0.fma(xc3, w0.fma(xa3, a03));
                a13 = v1.fma(xc3, w1.fma(xa3, a13));
                FloatVector xa4 = FloatVector.fromArray(F, x, x4 + xj);
                FloatVector xc4 = FloatVector.fromArray(F, x, x4 + xj + 16);
                a04 = v0.fma(xc4, w0.fma(xa4, a04));
                a14 = v1.fma(xc4, w1.fma(xa4, a14));
                FloatVector xa5 = FloatVector.fromArray(F, x, x5 + xj);
                FloatVector xc5 = FloatVector.fromArray(F, x, x5 + xj + 16);
                a05 = v0.fma(xc5, w0.fma(xa5, a05));
                a15 = v1.fma(xc5, w1.fma(xa5, a15));
                FloatVector xa6 = FloatVector.fromArray(F, x, x6 + xj);
                FloatVector xc6 = FloatVector.fromArray(F, x, x6 + xj + 16);
                a06 = v0.fma(xc6, w0.fma(xa6, a06));
                a16 = v1.fma(xc6, w1.fma(xa6, a16));
                FloatVector xa7 = FloatVector.fromArray(F, x, x7 + xj);
                FloatVector xc7 = FloatVector.fromArray(F, x, x7 + xj + 16);
                a07 = v0.fma(xc7, w0.fma(xa7, a07));
                a17 = v1.fma(xc7, w1.fma(xa7, a17));
            }
        }
        // stored and summed by reduce(): summing here would push the kernel past C2's inlining budget (boxed vectors)
        a00.intoArray(acc, 0 * L);
        a10.intoArray(acc, 1 * L);
        a01.intoArray(acc, 2 * L);
        a11.intoArray(acc, 3 * L);
        a02.intoArray(acc, 4 * L);
        a12.intoArray(acc, 5 * L);
        a03.intoArray(acc, 6 * L);
        a13.intoArray(acc, 7 * L);
        a04.intoArray(acc, 8 * L);
        a14.intoArray(acc, 9 * L);
        a05.intoArray(acc, 10 * L);
        a15.intoArray(acc, 11 * L);
        a06.intoArray(acc, 12 * L);
        a16.intoArray(acc, 13 * L);
        a07.intoArray(acc, 14 * L);
        a17.intoArray(acc, 15 * L);
        reduce(acc, 8, out, outOff, outStride);
    }

    /** Rows at rows[off] and rows[off + rowBytes] (Q4_0) times tokens t0..t0+3. */
    static void q4_0x4(byte[] s, int off, int rowBytes, int cols, float[] x, int t0, float[] acc, float[] out, int outOff, int outStride) {
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F), a02 = FloatVector.zero(F), a03 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F), a12 = FloatVector.zero(F), a13 = FloatVector.zero(F);
        int x0 = t0 * cols;
        int x1 = x0 + cols;
        int x2 = x1 + cols;
        int x3 = x2 + cols;
        int blocks = cols / 32;
        for (int b = 0; b < blocks; b++) {
            int o0 = off + 18 * b;
            int o1 = o0 + rowBytes;
            FloatVector d0 = FloatVector.broadcast(F, Float.float16ToFloat((short) ((s[o0] & 0xFF) | (s[o0 + 1] << 8))));
            FloatVector d1 = FloatVector.broadcast(F, Float.float16ToFloat((short) ((s[o1] & 0xFF) | (s[o1 + 1] << 8))));
            int xb = 32 * b;
            for (int j = 0; j < 16; j += L) {
                ByteVector q0 = ByteVector.fromArray(BL, s, o0 + 2 + j);
                ByteVector q1 = ByteVector.fromArray(BL, s, o1 + 2 + j);
                FloatVector w0 = low4(q0, d0);
                FloatVector w1 = low4(q1, d1);
                FloatVector v0 = high4(q0, d0);
                FloatVector v1 = high4(q1, d1);
                int xj = xb + j;
                FloatVector xa0 = FloatVector.fromArray(F, x, x0 + xj);
                FloatVector xc0 = FloatVector.fromArray(F, x, x0 + xj + 16);
                a00 = v0.fma(xc0, w0.fma(xa0, a00));
                a10 = v1.fma(xc0, w1.fma(xa0, a10));
                FloatVector xa1 = FloatVector.fromArray(F, x, x1 + xj);
                FloatVector xc1 = FloatVector.fromArray(F, x, x1 + xj + 16);
                a01 = v0.fma(xc1, w0.fma(xa1, a01));
                a11 = v1.fma(xc1, w1.fma(xa1, a11));
                FloatVector xa2 = FloatVector.fromArray(F, x, x2 + xj);
                FloatVector xc2 = FloatVector.fromArray(F, x, x2 + xj + 16);
                a02 = v0.fma(xc2, w0.fma(xa2, a02));
                a12 = v1.fma(xc2, w1.fma(xa2, a12));
                FloatVector xa3 = FloatVector.fromArray(F, x, x3 + xj);
                FloatVector xc3 = FloatVector.fromArray(F, x, x3 + xj + 16);
                a03 = v0.fma(xc3, w0.fma(xa3, a03));
                a13 = v1.fma(xc3, w1.fma(xa3, a13));
            }
        }
        // stored and summed by reduce(): summing here would push the kernel past C2's inlining budget (boxed vectors)
        a00.intoArray(acc, 0 * L);
        a10.intoArray(acc, 1 * L);
        a01.intoArray(acc, 2 * L);
        a11.intoArray(acc, 3 * L);
        a02.intoArray(acc, 4 * L);
        a12.intoArray(acc, 5 * L);
        a03.intoArray(acc, 6 * L);
        a13.intoArray(acc, 7 * L);
        reduce(acc, 4, out, outOff, outStride);
    }
}
