package dev.starling.llm.tensor;

import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked products of a few weight rows with a small batch of tokens (batched decode): each
 * 32-element block of 4 rows (2 for a ragged last tile) is decoded from its bytes straight into registers
 * once and applied to 4 tokens, with 16 (or 8) accumulators; no decoded row is written to memory and every
 * block scale multiply serves all those tokens. Used by {@link MatMul} for batches too small for its
 * decode-a-panel-then-multiply path to pay off. Agrees with {@link ScalarKernels} up to float rounding
 * (tested on random shapes with ragged row and token tails).
 * <p>Each block gives, per row, two vectors per step j: columns [j, j+L) and [16+j, 16+j+L), which is
 * how Q4_0 packs its nibbles; Q8_0 is read the same way so that both share one loop shape.
 * <p>Why 4 rows x 4 tokens and not 2 x 8 (the earlier shape): with AVX-512, C2 hoisted the 16 activation
 * loads of 2 x 8 to the top of the block and, with 16 accumulators, 4 weight vectors and the scales, ran out
 * of the 32 vector registers: 5 accumulators lived on the stack, and each block waited on store-to-load
 * forwarding. 4 x 4 needs 8 activation vectors per block and its decoded weights serve 4 tokens each: on
 * Q4_0, 2048 columns, 8 tokens, one thread, 135 against 88 GFLOP per CPU-second (Q8_0: 175 against 87).
 * Q4_0 nibbles are unpacked in int lanes (one widening of the 16 bytes, then AND/shift/subtract and one
 * int-to-float conversion per half): the byte-lane form of 2 x 8 spilled worse at 4 x 4.
 * <p>The unrolled kernels were written out by a small generator (one per type and shape); they must stay
 * plain straight-line code: C2 stops inlining vector helpers past a node budget, and a vector that crosses a
 * call that was not inlined is boxed (ten times slower).
 */
final class BatchKernels {
    /** Rows staged together (one {@link MatMul} tile). */
    static final int ROWS = 4;
    private static final VectorSpecies<Float> F = VectorKernels.F;
    private static final VectorSpecies<Byte> BL = VectorKernels.BL;
    private static final VectorSpecies<Integer> IL = VectorKernels.I;
    private static final int L = VectorKernels.L;
    private static final ThreadLocal<byte[]> STAGED = ThreadLocal.withInitial(() -> new byte[0]);
    /** Accumulators of one kernel call (4 rows x 4 tokens vectors), summed by {@link #reduce}. */
    private static final ThreadLocal<float[]> ACC = ThreadLocal.withInitial(() -> new float[16 * L]);

    private BatchKernels() {
    }

    /** Whether {@link #rows} handles this weight type. */
    static boolean supports(QuantType type) {
        return type == QuantType.Q8_0 || type == QuantType.Q4_0;
    }

    /**
     * out[t * outStride + outOff + r] = dot(row r, x[t * cols ..]) for rows r in [r0, r0 + count) (count at most
     * {@link #ROWS}) and tokens t in [0, n). A full tile of 4 rows goes through the 4 x 4 register kernel, 4 tokens
     * at a time; a ragged tile's pairs of rows through the 2 x 4 one; a last odd row and the last n % 4 tokens
     * use the one-row dot product.
     */
    static void rows(QuantizedMatrix w, int r0, int count, float[] x, int n, float[] out, int outOff, int outStride) {
        rows(w, r0, count, x, 0, n, out, outOff, outStride);
    }

    /** {@link #rows(QuantizedMatrix, int, int, float[], int, float[], int, int)} for tokens t in [tFrom, tTo) only. */
    static void rows(QuantizedMatrix w, int r0, int count, float[] x, int tFrom, int tTo, float[] out, int outOff, int outStride) {
        int done = count == ROWS ? ROWS : 2 * (count / 2);
        byte[] s = done > 0 && tTo - tFrom >= 4 ? stage(w, r0, done) : null;
        rowsStaged(w, s, 0, r0, count, x, tFrom, tTo, out, outOff, outStride, MatMul.currentBatchVariant() >= 1);
    }

    /**
     * {@link #rows} with rows r0.. already copied to s[sOff ..] (s may be null when tTo - tFrom < 4). With preScaled, a
     * full Q4_0 tile decodes its block scales once ({@link #q4Scales}) for all its tokens and goes through
     * {@link #q4_0r4x4s}; otherwise through {@link #q4_0r4x4}, which decodes them in its loop for every 4 tokens.
     */
    static void rowsStaged(QuantizedMatrix w, byte[] s, int sOff, int r0, int count, float[] x, int tFrom, int tTo, float[] out, int outOff,
            int outStride, boolean preScaled) {
        rowsStaged(w, s, sOff, r0, count, x, tFrom, tTo, out, outOff, outStride, preScaled ? (MatMul.currentBatchVariant() >= 3 ? 2 : 1) : 0);
    }

    /**
     * {@link #rowsStaged(QuantizedMatrix, byte[], int, int, int, float[], int, int, float[], int, int, boolean)} with the
     * full-tile Q4_0 kernel given: 0 {@link #q4_0r4x4} (scales decoded in its loop), 1 {@link #q4_0r4x4s} (scales decoded
     * per tile by {@link #q4Scales}), 2 the same kernel with the scales decoded by {@link #q4ScalesFast}, 3 as 2 on
     * cache-line-aligned activations ({@link AlignedBatchKernels}).
     * <p>Tried and dropped (one thread, 8 tokens, GFLOP per CPU-second, same run): the kernel by half-blocks (4 activation
     * vectors live instead of 8) 77 against 111; scales gathered and widened with vector instructions then scattered
     * (byte gathers and float scatters) 97 against 110; even q4_0r4x4s reading a scale layout of one array per row and
     * half, 94 against 113. Skipping the scale decoding altogether (wrong results) gave 125 against 113.
     */
    static void rowsStaged(QuantizedMatrix w, byte[] s, int sOff, int r0, int count, float[] x, int tFrom, int tTo, float[] out, int outOff,
            int outStride, int q4Kernel) {
        rowsStaged(w, s, sOff, r0, count, x, tFrom, tTo, out, outOff, outStride, q4Kernel, null, 0);
    }

    /**
     * {@link #rowsStaged(QuantizedMatrix, byte[], int, int, int, float[], int, int, float[], int, int, int)} with, for
     * q4Kernel 3, xh: a copy of all of x from xh[xhOff] on a 64-byte boundary ({@link AlignedBatchKernels#alignedCopy}),
     * read by {@link AlignedBatchKernels#q4_0r4x4a} (null: q4Kernel 3 runs as 2).
     */
    static void rowsStaged(QuantizedMatrix w, byte[] s, int sOff, int r0, int count, float[] x, int tFrom, int tTo, float[] out, int outOff,
            int outStride, int q4Kernel, float[] xh, int xhOff) {
        int cols = w.cols();
        int rowBytes = Math.toIntExact(w.rowBytes());
        int done = count == ROWS ? ROWS : 2 * (count / 2); // rows the register kernels do for tokens [0, t)
        int t = tFrom;
        if (done > 0 && tTo - tFrom >= 4) {
            float[] acc = ACC.get();
            boolean q8 = w.type() == QuantType.Q8_0;
            if (done == ROWS && !q8 && q4Kernel >= 1) {
                float[] sc = q4Kernel >= 2 ? q4ScalesFast(s, sOff, rowBytes, cols / 32) : q4Scales(s, sOff, rowBytes, cols / 32);
                if (xh != null && q4Kernel == 3) {
                    for (; t + 4 <= tTo; t += 4) {
                        AlignedBatchKernels.q4_0r4x4a(s, sOff, rowBytes, sc, 0, cols, xh, xhOff + t * cols, acc, out, t * outStride + outOff + r0, outStride);
                    }
                }
                for (; t + 4 <= tTo; t += 4) {
                    q4_0r4x4s(s, sOff, rowBytes, sc, cols, x, t, acc, out, t * outStride + outOff + r0, outStride);
                }
            }
            for (; t + 4 <= tTo; t += 4) {
                int o = t * outStride + outOff + r0;
                if (done == ROWS) {
                    if (q8) {
                        q8_0r4x4(s, sOff, rowBytes, cols, x, t, acc, out, o, outStride);
                    } else {
                        q4_0r4x4(s, sOff, rowBytes, cols, x, t, acc, out, o, outStride);
                    }
                } else {
                    for (int p = 0; p < done / 2; p++) {
                        if (q8) {
                            q8_0x4(s, sOff + 2 * p * rowBytes, rowBytes, cols, x, t, acc, out, o + 2 * p, outStride);
                        } else {
                            q4_0x4(s, sOff + 2 * p * rowBytes, rowBytes, cols, x, t, acc, out, o + 2 * p, outStride);
                        }
                    }
                }
            }
        }
        for (int tt = tFrom; tt < tTo; tt++) {
            int from = tt < t ? done : 0;
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
    static byte[] stage(QuantizedMatrix w, int r0, int count) {
        int bytes = Math.toIntExact(count * w.rowBytes());
        byte[] b = STAGED.get();
        if (b.length < bytes) {
            b = new byte[Math.max(bytes, ROWS * Math.toIntExact(w.rowBytes()))];
            STAGED.set(b);
        }
        java.lang.foreign.MemorySegment.copy(w.data(), ValueLayout.JAVA_BYTE, r0 * w.rowBytes(), b, 0, bytes);
        return b;
    }

    /** out[outOff + t * outStride + r] = lanes of acc vector (t * rows + r) summed, for r in [0, rows) and t in [0, tokens). */
    static void reduce(float[] acc, int rows, int tokens, float[] out, int outOff, int outStride) {
        for (int t = 0; t < tokens; t++) {
            int o = outOff + t * outStride;
            for (int r = 0; r < rows; r++) {
                out[o + r] = VectorKernels.sum(FloatVector.fromArray(F, acc, (t * rows + r) * L));
            }
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
        reduce(acc, 2, 4, out, outOff, outStride);
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
        reduce(acc, 2, 4, out, outOff, outStride);
    }

    /** Rows at s[off], s[off + rowBytes], .. (4 rows, Q8_0) times tokens t0..t0+3. */
    static void q8_0r4x4(byte[] s, int off, int rowBytes, int cols, float[] x, int t0, float[] acc, float[] out, int outOff, int outStride) {
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F), a02 = FloatVector.zero(F), a03 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F), a12 = FloatVector.zero(F), a13 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F), a22 = FloatVector.zero(F), a23 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F), a32 = FloatVector.zero(F), a33 = FloatVector.zero(F);
        int x0 = t0 * cols;
        int x1 = x0 + cols;
        int x2 = x1 + cols;
        int x3 = x2 + cols;
        int blocks = cols / 32;
        for (int b = 0; b < blocks; b++) {
            int o0 = off + 34 * b;
            int o1 = o0 + rowBytes;
            int o2 = o1 + rowBytes;
            int o3 = o2 + rowBytes;
            FloatVector d0 = FloatVector.broadcast(F, Float.float16ToFloat((short) ((s[o0] & 0xFF) | (s[o0 + 1] << 8))));
            FloatVector d1 = FloatVector.broadcast(F, Float.float16ToFloat((short) ((s[o1] & 0xFF) | (s[o1 + 1] << 8))));
            FloatVector d2 = FloatVector.broadcast(F, Float.float16ToFloat((short) ((s[o2] & 0xFF) | (s[o2 + 1] << 8))));
            FloatVector d3 = FloatVector.broadcast(F, Float.float16ToFloat((short) ((s[o3] & 0xFF) | (s[o3 + 1] << 8))));
            for (int j = 0; j < 16; j += L) {
                int xj = 32 * b + j;
                FloatVector w0 = q8(s, o0 + 2 + j, d0);
                FloatVector v0 = q8(s, o0 + 18 + j, d0);
                FloatVector w1 = q8(s, o1 + 2 + j, d1);
                FloatVector v1 = q8(s, o1 + 18 + j, d1);
                FloatVector w2 = q8(s, o2 + 2 + j, d2);
                FloatVector v2 = q8(s, o2 + 18 + j, d2);
                FloatVector w3 = q8(s, o3 + 2 + j, d3);
                FloatVector v3 = q8(s, o3 + 18 + j, d3);
                FloatVector xa0 = FloatVector.fromArray(F, x, x0 + xj);
                FloatVector xc0 = FloatVector.fromArray(F, x, x0 + xj + 16);
                a00 = v0.fma(xc0, w0.fma(xa0, a00));
                a10 = v1.fma(xc0, w1.fma(xa0, a10));
                a20 = v2.fma(xc0, w2.fma(xa0, a20));
                a30 = v3.fma(xc0, w3.fma(xa0, a30));
                FloatVector xa1 = FloatVector.fromArray(F, x, x1 + xj);
                FloatVector xc1 = FloatVector.fromArray(F, x, x1 + xj + 16);
                a01 = v0.fma(xc1, w0.fma(xa1, a01));
                a11 = v1.fma(xc1, w1.fma(xa1, a11));
                a21 = v2.fma(xc1, w2.fma(xa1, a21));
                a31 = v3.fma(xc1, w3.fma(xa1, a31));
                FloatVector xa2 = FloatVector.fromArray(F, x, x2 + xj);
                FloatVector xc2 = FloatVector.fromArray(F, x, x2 + xj + 16);
                a02 = v0.fma(xc2, w0.fma(xa2, a02));
                a12 = v1.fma(xc2, w1.fma(xa2, a12));
                a22 = v2.fma(xc2, w2.fma(xa2, a22));
                a32 = v3.fma(xc2, w3.fma(xa2, a32));
                FloatVector xa3 = FloatVector.fromArray(F, x, x3 + xj);
                FloatVector xc3 = FloatVector.fromArray(F, x, x3 + xj + 16);
                a03 = v0.fma(xc3, w0.fma(xa3, a03));
                a13 = v1.fma(xc3, w1.fma(xa3, a13));
                a23 = v2.fma(xc3, w2.fma(xa3, a23));
                a33 = v3.fma(xc3, w3.fma(xa3, a33));
            }
        }
        // stored and summed by reduce(): summing here would push the kernel past C2's inlining budget (boxed vectors)
        a00.intoArray(acc, 0 * L);
        a10.intoArray(acc, 1 * L);
        a20.intoArray(acc, 2 * L);
        a30.intoArray(acc, 3 * L);
        a01.intoArray(acc, 4 * L);
        a11.intoArray(acc, 5 * L);
        a21.intoArray(acc, 6 * L);
        a31.intoArray(acc, 7 * L);
        a02.intoArray(acc, 8 * L);
        a12.intoArray(acc, 9 * L);
        a22.intoArray(acc, 10 * L);
        a32.intoArray(acc, 11 * L);
        a03.intoArray(acc, 12 * L);
        a13.intoArray(acc, 13 * L);
        a23.intoArray(acc, 14 * L);
        a33.intoArray(acc, 15 * L);
        reduce(acc, 4, 4, out, outOff, outStride);
    }

    /** Rows at s[off], s[off + rowBytes], .. (4 rows, Q4_0) times tokens t0..t0+3. */
    static void q4_0r4x4(byte[] s, int off, int rowBytes, int cols, float[] x, int t0, float[] acc, float[] out, int outOff, int outStride) {
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F), a02 = FloatVector.zero(F), a03 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F), a12 = FloatVector.zero(F), a13 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F), a22 = FloatVector.zero(F), a23 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F), a32 = FloatVector.zero(F), a33 = FloatVector.zero(F);
        int x0 = t0 * cols;
        int x1 = x0 + cols;
        int x2 = x1 + cols;
        int x3 = x2 + cols;
        int blocks = cols / 32;
        for (int b = 0; b < blocks; b++) {
            int o0 = off + 18 * b;
            int o1 = o0 + rowBytes;
            int o2 = o1 + rowBytes;
            int o3 = o2 + rowBytes;
            FloatVector d0 = FloatVector.broadcast(F, Float.float16ToFloat((short) ((s[o0] & 0xFF) | (s[o0 + 1] << 8))));
            FloatVector d1 = FloatVector.broadcast(F, Float.float16ToFloat((short) ((s[o1] & 0xFF) | (s[o1 + 1] << 8))));
            FloatVector d2 = FloatVector.broadcast(F, Float.float16ToFloat((short) ((s[o2] & 0xFF) | (s[o2 + 1] << 8))));
            FloatVector d3 = FloatVector.broadcast(F, Float.float16ToFloat((short) ((s[o3] & 0xFF) | (s[o3 + 1] << 8))));
            for (int j = 0; j < 16; j += L) {
                int xj = 32 * b + j;
                IntVector q0 = (IntVector) ByteVector.fromArray(BL, s, o0 + 2 + j).castShape(IL, 0);
                FloatVector w0 = ((FloatVector) q0.and(0xF).sub(8).castShape(F, 0)).mul(d0);
                FloatVector v0 = ((FloatVector) q0.lanewise(VectorOperators.LSHR, 4).and(0xF).sub(8).castShape(F, 0)).mul(d0);
                IntVector q1 = (IntVector) ByteVector.fromArray(BL, s, o1 + 2 + j).castShape(IL, 0);
                FloatVector w1 = ((FloatVector) q1.and(0xF).sub(8).castShape(F, 0)).mul(d1);
                FloatVector v1 = ((FloatVector) q1.lanewise(VectorOperators.LSHR, 4).and(0xF).sub(8).castShape(F, 0)).mul(d1);
                IntVector q2 = (IntVector) ByteVector.fromArray(BL, s, o2 + 2 + j).castShape(IL, 0);
                FloatVector w2 = ((FloatVector) q2.and(0xF).sub(8).castShape(F, 0)).mul(d2);
                FloatVector v2 = ((FloatVector) q2.lanewise(VectorOperators.LSHR, 4).and(0xF).sub(8).castShape(F, 0)).mul(d2);
                IntVector q3 = (IntVector) ByteVector.fromArray(BL, s, o3 + 2 + j).castShape(IL, 0);
                FloatVector w3 = ((FloatVector) q3.and(0xF).sub(8).castShape(F, 0)).mul(d3);
                FloatVector v3 = ((FloatVector) q3.lanewise(VectorOperators.LSHR, 4).and(0xF).sub(8).castShape(F, 0)).mul(d3);
                FloatVector xa0 = FloatVector.fromArray(F, x, x0 + xj);
                FloatVector xc0 = FloatVector.fromArray(F, x, x0 + xj + 16);
                a00 = v0.fma(xc0, w0.fma(xa0, a00));
                a10 = v1.fma(xc0, w1.fma(xa0, a10));
                a20 = v2.fma(xc0, w2.fma(xa0, a20));
                a30 = v3.fma(xc0, w3.fma(xa0, a30));
                FloatVector xa1 = FloatVector.fromArray(F, x, x1 + xj);
                FloatVector xc1 = FloatVector.fromArray(F, x, x1 + xj + 16);
                a01 = v0.fma(xc1, w0.fma(xa1, a01));
                a11 = v1.fma(xc1, w1.fma(xa1, a11));
                a21 = v2.fma(xc1, w2.fma(xa1, a21));
                a31 = v3.fma(xc1, w3.fma(xa1, a31));
                FloatVector xa2 = FloatVector.fromArray(F, x, x2 + xj);
                FloatVector xc2 = FloatVector.fromArray(F, x, x2 + xj + 16);
                a02 = v0.fma(xc2, w0.fma(xa2, a02));
                a12 = v1.fma(xc2, w1.fma(xa2, a12));
                a22 = v2.fma(xc2, w2.fma(xa2, a22));
                a32 = v3.fma(xc2, w3.fma(xa2, a32));
                FloatVector xa3 = FloatVector.fromArray(F, x, x3 + xj);
                FloatVector xc3 = FloatVector.fromArray(F, x, x3 + xj + 16);
                a03 = v0.fma(xc3, w0.fma(xa3, a03));
                a13 = v1.fma(xc3, w1.fma(xa3, a13));
                a23 = v2.fma(xc3, w2.fma(xa3, a23));
                a33 = v3.fma(xc3, w3.fma(xa3, a33));
            }
        }
        // stored and summed by reduce(): summing here would push the kernel past C2's inlining budget (boxed vectors)
        a00.intoArray(acc, 0 * L);
        a10.intoArray(acc, 1 * L);
        a20.intoArray(acc, 2 * L);
        a30.intoArray(acc, 3 * L);
        a01.intoArray(acc, 4 * L);
        a11.intoArray(acc, 5 * L);
        a21.intoArray(acc, 6 * L);
        a31.intoArray(acc, 7 * L);
        a02.intoArray(acc, 8 * L);
        a12.intoArray(acc, 9 * L);
        a22.intoArray(acc, 10 * L);
        a32.intoArray(acc, 11 * L);
        a03.intoArray(acc, 12 * L);
        a13.intoArray(acc, 13 * L);
        a23.intoArray(acc, 14 * L);
        a33.intoArray(acc, 15 * L);
        reduce(acc, 4, 4, out, outOff, outStride);
    }

    /**
     * {@link #q4_0r4x4} with the block scales decoded beforehand ({@link #q4Scales}: d and -8 d of block b, row r at
     * sc[8 b + 2 r]): each half-block is one widening, one AND or shift, one conversion and one FMA ((q - 8) d as
     * q d + (-8 d), exact in float since q < 16 and d has 11 significant bits), with no scale decoding in the loop.
     */
    static void q4_0r4x4s(byte[] s, int off, int rowBytes, float[] sc, int cols, float[] x, int t0, float[] acc, float[] out, int outOff, int outStride) {
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F), a02 = FloatVector.zero(F), a03 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F), a12 = FloatVector.zero(F), a13 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F), a22 = FloatVector.zero(F), a23 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F), a32 = FloatVector.zero(F), a33 = FloatVector.zero(F);
        int x0 = t0 * cols;
        int x1 = x0 + cols;
        int x2 = x1 + cols;
        int x3 = x2 + cols;
        int blocks = cols / 32;
        for (int b = 0; b < blocks; b++) {
            int o0 = off + 18 * b;
            for (int j = 0; j < 16; j += L) {
                int xj = 32 * b + j;
                // each row is unpacked right before its FMAs (C2 reorders them anyway: it keeps two accumulators on the
                // stack, as it does for q4_0r4x4; the saving is the scale decoding, about a quarter of the loop's instructions)
                FloatVector xa0 = FloatVector.fromArray(F, x, x0 + xj);
                FloatVector xc0 = FloatVector.fromArray(F, x, x0 + xj + 16);
                FloatVector xa1 = FloatVector.fromArray(F, x, x1 + xj);
                FloatVector xc1 = FloatVector.fromArray(F, x, x1 + xj + 16);
                FloatVector xa2 = FloatVector.fromArray(F, x, x2 + xj);
                FloatVector xc2 = FloatVector.fromArray(F, x, x2 + xj + 16);
                FloatVector xa3 = FloatVector.fromArray(F, x, x3 + xj);
                FloatVector xc3 = FloatVector.fromArray(F, x, x3 + xj + 16);
                IntVector q0 = (IntVector) ByteVector.fromArray(BL, s, o0 + 2 + j).convertShape(VectorOperators.ZERO_EXTEND_B2I, IL, 0);
                FloatVector d0 = FloatVector.broadcast(F, sc[8 * b + 0]);
                FloatVector m0 = FloatVector.broadcast(F, sc[8 * b + 1]);
                FloatVector w0 = ((FloatVector) q0.and(0xF).castShape(F, 0)).fma(d0, m0);
                FloatVector v0 = ((FloatVector) q0.lanewise(VectorOperators.LSHR, 4).castShape(F, 0)).fma(d0, m0);
                a00 = v0.fma(xc0, w0.fma(xa0, a00));
                a01 = v0.fma(xc1, w0.fma(xa1, a01));
                a02 = v0.fma(xc2, w0.fma(xa2, a02));
                a03 = v0.fma(xc3, w0.fma(xa3, a03));
                IntVector q1 = (IntVector) ByteVector.fromArray(BL, s, o0 + rowBytes + 2 + j).convertShape(VectorOperators.ZERO_EXTEND_B2I, IL, 0);
                FloatVector d1 = FloatVector.broadcast(F, sc[8 * b + 2]);
                FloatVector m1 = FloatVector.broadcast(F, sc[8 * b + 3]);
                FloatVector w1 = ((FloatVector) q1.and(0xF).castShape(F, 0)).fma(d1, m1);
                FloatVector v1 = ((FloatVector) q1.lanewise(VectorOperators.LSHR, 4).castShape(F, 0)).fma(d1, m1);
                a10 = v1.fma(xc0, w1.fma(xa0, a10));
                a11 = v1.fma(xc1, w1.fma(xa1, a11));
                a12 = v1.fma(xc2, w1.fma(xa2, a12));
                a13 = v1.fma(xc3, w1.fma(xa3, a13));
                IntVector q2 = (IntVector) ByteVector.fromArray(BL, s, o0 + 2 * rowBytes + 2 + j).convertShape(VectorOperators.ZERO_EXTEND_B2I, IL, 0);
                FloatVector d2 = FloatVector.broadcast(F, sc[8 * b + 4]);
                FloatVector m2 = FloatVector.broadcast(F, sc[8 * b + 5]);
                FloatVector w2 = ((FloatVector) q2.and(0xF).castShape(F, 0)).fma(d2, m2);
                FloatVector v2 = ((FloatVector) q2.lanewise(VectorOperators.LSHR, 4).castShape(F, 0)).fma(d2, m2);
                a20 = v2.fma(xc0, w2.fma(xa0, a20));
                a21 = v2.fma(xc1, w2.fma(xa1, a21));
                a22 = v2.fma(xc2, w2.fma(xa2, a22));
                a23 = v2.fma(xc3, w2.fma(xa3, a23));
                IntVector q3 = (IntVector) ByteVector.fromArray(BL, s, o0 + 3 * rowBytes + 2 + j).convertShape(VectorOperators.ZERO_EXTEND_B2I, IL, 0);
                FloatVector d3 = FloatVector.broadcast(F, sc[8 * b + 6]);
                FloatVector m3 = FloatVector.broadcast(F, sc[8 * b + 7]);
                FloatVector w3 = ((FloatVector) q3.and(0xF).castShape(F, 0)).fma(d3, m3);
                FloatVector v3 = ((FloatVector) q3.lanewise(VectorOperators.LSHR, 4).castShape(F, 0)).fma(d3, m3);
                a30 = v3.fma(xc0, w3.fma(xa0, a30));
                a31 = v3.fma(xc1, w3.fma(xa1, a31));
                a32 = v3.fma(xc2, w3.fma(xa2, a32));
                a33 = v3.fma(xc3, w3.fma(xa3, a33));
            }
        }
        // stored and summed by reduce(): summing here would push the kernel past C2's inlining budget (boxed vectors)
        a00.intoArray(acc, 0 * L);
        a10.intoArray(acc, 1 * L);
        a20.intoArray(acc, 2 * L);
        a30.intoArray(acc, 3 * L);
        a01.intoArray(acc, 4 * L);
        a11.intoArray(acc, 5 * L);
        a21.intoArray(acc, 6 * L);
        a31.intoArray(acc, 7 * L);
        a02.intoArray(acc, 8 * L);
        a12.intoArray(acc, 9 * L);
        a22.intoArray(acc, 10 * L);
        a32.intoArray(acc, 11 * L);
        a03.intoArray(acc, 12 * L);
        a13.intoArray(acc, 13 * L);
        a23.intoArray(acc, 14 * L);
        a33.intoArray(acc, 15 * L);
        reduce(acc, 4, 4, out, outOff, outStride);
    }

    private static final ThreadLocal<float[]> SCALES = ThreadLocal.withInitial(() -> new float[0]);

    /** Scales of 4 staged Q4_0 rows: sc[8 b + 2 r] = d and sc[8 b + 2 r + 1] = -8 d of block b of row r. */
    static float[] q4Scales(byte[] s, int off, int rowBytes, int blocks) {
        float[] sc = SCALES.get();
        if (sc.length < 8 * blocks) {
            sc = new float[8 * blocks];
            SCALES.set(sc);
        }
        q4Scales(s, off, rowBytes, blocks, sc, 0);
        return sc;
    }

    /** {@link #q4Scales(byte[], int, int, int)} into sc[scOff ..]. */
    static void q4Scales(byte[] s, int off, int rowBytes, int blocks, float[] sc, int scOff) {
        for (int r = 0; r < ROWS; r++) {
            int o = off + r * rowBytes;
            for (int b = 0; b < blocks; b++, o += 18) {
                float d = Float.float16ToFloat((short) ((s[o] & 0xFF) | (s[o + 1] << 8)));
                sc[scOff + 8 * b + 2 * r] = d;
                sc[scOff + 8 * b + 2 * r + 1] = -8f * d;
            }
        }
    }

    private static final java.lang.invoke.VarHandle SHORT_LE = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(short[].class,
            java.nio.ByteOrder.LITTLE_ENDIAN);

    /**
     * {@link #q4Scales(byte[], int, int, int)} with fewer instructions per scale (the same floats): one 16-bit load
     * through a byte-array view instead of two byte loads, a shift and an OR, and both slots of a block written
     * together.
     */
    static float[] q4ScalesFast(byte[] s, int off, int rowBytes, int blocks) {
        float[] sc = SCALES.get();
        if (sc.length < 8 * blocks) {
            sc = new float[8 * blocks];
            SCALES.set(sc);
        }
        q4ScalesFast(s, off, rowBytes, blocks, sc, 0);
        return sc;
    }

    /** {@link #q4ScalesFast(byte[], int, int, int)} into sc[scOff ..]. */
    static void q4ScalesFast(byte[] s, int off, int rowBytes, int blocks, float[] sc, int scOff) {
        int o0 = off;
        int o1 = off + rowBytes;
        int o2 = off + 2 * rowBytes;
        int o3 = off + 3 * rowBytes;
        for (int b = 0; b < blocks; b++) {
            int ob = 18 * b;
            float d0 = Float.float16ToFloat((short) SHORT_LE.get(s, o0 + ob));
            float d1 = Float.float16ToFloat((short) SHORT_LE.get(s, o1 + ob));
            float d2 = Float.float16ToFloat((short) SHORT_LE.get(s, o2 + ob));
            float d3 = Float.float16ToFloat((short) SHORT_LE.get(s, o3 + ob));
            int c = scOff + 8 * b;
            sc[c + 7] = -8f * d3;
            sc[c] = d0;
            sc[c + 1] = -8f * d0;
            sc[c + 2] = d1;
            sc[c + 3] = -8f * d1;
            sc[c + 4] = d2;
            sc[c + 5] = -8f * d2;
            sc[c + 6] = d3;
        }
    }
}
