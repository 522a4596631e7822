package dev.starling.llm.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels: dot(row, x) straight from the encoded row, and dequantization into floats.
 * Each agrees with {@link ScalarKernels} up to float rounding (tested on random shapes). Written for
 * any preferred float width of 8 or 16 lanes (AVX2 or AVX-512).
 */
public final class VectorKernels {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    /** L bytes: one float vector's worth of int8 lanes. */
    static final VectorSpecies<Byte> BL = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    /** L shorts. */
    static final VectorSpecies<Short> SL = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    static {
        if (L != 8 && L != 16) {
            throw new IllegalStateException("Vector kernels need 8 or 16 float lanes; this JVM prefers " + L);
        }
    }

    /** Pairwise-reduction shuffles (constants, so that C2 intrinsifies the rearranges): lane i takes lane i + k. */
    private static final VectorShuffle<Float> SHIFT8 = VectorShuffle.fromOp(F, i -> (i + 8) % L);
    private static final VectorShuffle<Float> SHIFT4 = VectorShuffle.fromOp(F, i -> (i + 4) % L);
    private static final VectorShuffle<Float> SHIFT2 = VectorShuffle.fromOp(F, i -> (i + 2) % L);
    private static final VectorShuffle<Float> SHIFT1 = VectorShuffle.fromOp(F, i -> (i + 1) % L);

    private VectorKernels() {
    }

    /**
     * Sum of the lanes in a fixed pairwise order. reduceLanes(ADD) may add floats in a different order
     * when compiled than when interpreted, which makes results (and so seeded samples) depend on JIT
     * warm-up; this does not.
     */
    static float sum(FloatVector v) {
        if (L == 16) {
            v = v.add(v.rearrange(SHIFT8));
        }
        v = v.add(v.rearrange(SHIFT4));
        v = v.add(v.rearrange(SHIFT2));
        v = v.add(v.rearrange(SHIFT1));
        return v.lane(0);
    }

    /** True when the JVM gives real vector registers (otherwise callers should use the scalar kernels). */
    public static boolean available() {
        return L >= 8;
    }

    /** Float lanes per vector on this machine. */
    public static int lanes() {
        return L;
    }

    public static float dot(QuantType type, MemorySegment s, long off, float[] x, int xOff, int cols) {
        return switch (type) {
            case F32 -> dotF32(s, off, x, xOff, cols);
            case F16 -> dotF16(s, off, x, xOff, cols);
            case BF16 -> dotBF16(s, off, x, xOff, cols);
            case Q8_0 -> dotQ8_0(s, off, x, xOff, cols);
            case Q4_0 -> dotQ4_0(s, off, x, xOff, cols);
            case Q4_K -> dotQ4_K(s, off, x, xOff, cols);
            case Q6_K -> dotQ6_K(s, off, x, xOff, cols);
        };
    }

    /**
     * A 4 x 4 block of dot products: out[(t) * outStride + outOff + i] = dot(rows[i*cols ..], x[(xRow0 + t) * cols ..])
     * for rows i in 0..3 and tokens t in 0..3; each loaded weight vector serves four tokens and each
     * activation vector four rows.
     */
    public static void dot4x4(float[] rows, int rowsOff, int cols, float[] x, int xRow0, float[] out, int outOff, int outStride) {
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F), a02 = FloatVector.zero(F), a03 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F), a12 = FloatVector.zero(F), a13 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F), a22 = FloatVector.zero(F), a23 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F), a32 = FloatVector.zero(F), a33 = FloatVector.zero(F);
        int x0 = xRow0 * cols;
        int x1 = x0 + cols;
        int x2 = x1 + cols;
        int x3 = x2 + cols;
        int i = 0;
        for (; i + L <= cols; i += L) {
            FloatVector w0 = FloatVector.fromArray(F, rows, rowsOff + i);
            FloatVector w1 = FloatVector.fromArray(F, rows, rowsOff + cols + i);
            FloatVector w2 = FloatVector.fromArray(F, rows, rowsOff + 2 * cols + i);
            FloatVector w3 = FloatVector.fromArray(F, rows, rowsOff + 3 * cols + i);
            FloatVector v = FloatVector.fromArray(F, x, x0 + i);
            a00 = w0.fma(v, a00);
            a10 = w1.fma(v, a10);
            a20 = w2.fma(v, a20);
            a30 = w3.fma(v, a30);
            v = FloatVector.fromArray(F, x, x1 + i);
            a01 = w0.fma(v, a01);
            a11 = w1.fma(v, a11);
            a21 = w2.fma(v, a21);
            a31 = w3.fma(v, a31);
            v = FloatVector.fromArray(F, x, x2 + i);
            a02 = w0.fma(v, a02);
            a12 = w1.fma(v, a12);
            a22 = w2.fma(v, a22);
            a32 = w3.fma(v, a32);
            v = FloatVector.fromArray(F, x, x3 + i);
            a03 = w0.fma(v, a03);
            a13 = w1.fma(v, a13);
            a23 = w2.fma(v, a23);
            a33 = w3.fma(v, a33);
        }
        float[] s = {sum(a00), sum(a10), sum(a20), sum(a30), sum(a01), sum(a11), sum(a21), sum(a31),
            sum(a02), sum(a12), sum(a22), sum(a32), sum(a03), sum(a13), sum(a23), sum(a33)};
        for (; i < cols; i++) {
            for (int t = 0; t < 4; t++) {
                float xi = x[x0 + t * cols + i];
                for (int r = 0; r < 4; r++) {
                    s[t * 4 + r] += rows[rowsOff + r * cols + i] * xi;
                }
            }
        }
        for (int t = 0; t < 4; t++) {
            int o = t * outStride + outOff;
            out[o] = s[t * 4];
            out[o + 1] = s[t * 4 + 1];
            out[o + 2] = s[t * 4 + 2];
            out[o + 3] = s[t * 4 + 3];
        }
    }

    /**
     * Four dot products at once: out[outOff + i] = dot(rows[i*cols ..], x[xOff ..]) for i in 0..3, sharing
     * each load of x (the batched matmul's inner kernel).
     */
    public static void dot4(float[] rows, int rowsOff, int cols, float[] x, int xOff, float[] out, int outOff) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        int i = 0;
        for (; i + L <= cols; i += L) {
            FloatVector xv = FloatVector.fromArray(F, x, xOff + i);
            a0 = FloatVector.fromArray(F, rows, rowsOff + i).fma(xv, a0);
            a1 = FloatVector.fromArray(F, rows, rowsOff + cols + i).fma(xv, a1);
            a2 = FloatVector.fromArray(F, rows, rowsOff + 2 * cols + i).fma(xv, a2);
            a3 = FloatVector.fromArray(F, rows, rowsOff + 3 * cols + i).fma(xv, a3);
        }
        float s0 = sum(a0);
        float s1 = sum(a1);
        float s2 = sum(a2);
        float s3 = sum(a3);
        for (; i < cols; i++) {
            float xi = x[xOff + i];
            s0 += rows[rowsOff + i] * xi;
            s1 += rows[rowsOff + cols + i] * xi;
            s2 += rows[rowsOff + 2 * cols + i] * xi;
            s3 += rows[rowsOff + 3 * cols + i] * xi;
        }
        out[outOff] = s0;
        out[outOff + 1] = s1;
        out[outOff + 2] = s2;
        out[outOff + 3] = s3;
    }

    /** Float dot product of a[aOff..aOff+n) and b[bOff..bOff+n), any n. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            acc0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc0);
            acc1 = FloatVector.fromArray(F, a, aOff + i + L).fma(FloatVector.fromArray(F, b, bOff + i + L), acc1);
        }
        float sum = sum(acc0.add(acc1));
        for (; i < n; i++) {
            sum += a[aOff + i] * b[bOff + i];
        }
        return sum;
    }

    /** y[yOff..+n) += a * x[xOff..+n). */
    public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector av = FloatVector.broadcast(F, a);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(F, x, xOff + i).fma(av, FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += a * x[xOff + i];
        }
    }

    static float dotF32(MemorySegment s, long off, float[] x, int xOff, int cols) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * L <= cols; i += 2 * L) {
            acc0 = FloatVector.fromMemorySegment(F, s, off + 4L * i, LE).fma(FloatVector.fromArray(F, x, xOff + i), acc0);
            acc1 = FloatVector.fromMemorySegment(F, s, off + 4L * (i + L), LE).fma(FloatVector.fromArray(F, x, xOff + i + L), acc1);
        }
        float sum = sum(acc0.add(acc1));
        for (; i < cols; i++) {
            sum += s.get(Blocks.FLOAT_LE, off + 4L * i) * x[xOff + i];
        }
        return sum;
    }

    /** L halves at byte off to floats: the exponent rebias by multiplication handles subnormals exactly. */
    static FloatVector loadF16(MemorySegment s, long off) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(SL, s, off, LE).castShape(I, 0);
        IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        IntVector mag = h.and(0x7FFF).lanewise(VectorOperators.LSHL, 13);
        FloatVector f = mag.reinterpretAsFloats().mul(0x1p112f);
        return f.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    static FloatVector loadBF16(MemorySegment s, long off) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(SL, s, off, LE).castShape(I, 0);
        return h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    static float dotF16(MemorySegment s, long off, float[] x, int xOff, int cols) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i + L <= cols; i += L) {
            acc = loadF16(s, off + 2L * i).fma(FloatVector.fromArray(F, x, xOff + i), acc);
        }
        float sum = sum(acc);
        for (; i < cols; i++) {
            sum += Blocks.f16(s, off + 2L * i) * x[xOff + i];
        }
        return sum;
    }

    static float dotBF16(MemorySegment s, long off, float[] x, int xOff, int cols) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i + L <= cols; i += L) {
            acc = loadBF16(s, off + 2L * i).fma(FloatVector.fromArray(F, x, xOff + i), acc);
        }
        float sum = sum(acc);
        for (; i < cols; i++) {
            sum += Blocks.bf16(s, off + 2L * i) * x[xOff + i];
        }
        return sum;
    }

    /**
     * Bit-field extraction on bytes done in int lanes: x86 has no byte shifts, so a byte-lane LSHR/LSHL is
     * emulated by widening; shifting 32-bit lanes and masking off what crossed a byte boundary is one
     * instruction each.
     */
    static ByteVector bits(ByteVector b, int mask, int shift) {
        IntVector i = b.reinterpretAsInts().and(mask);
        if (shift > 0) {
            i = i.lanewise(VectorOperators.LSHL, shift);
        } else if (shift < 0) {
            i = i.lanewise(VectorOperators.LSHR, -shift);
        }
        return i.reinterpretAsBytes();
    }

    /** High nibbles of each byte, as bytes 0..15. */
    static ByteVector highNibbles(ByteVector b) {
        return b.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).and(0x0F0F0F0F).reinterpretAsBytes();
    }

    static FloatVector bytesToFloats(ByteVector b) {
        return (FloatVector) b.castShape(F, 0);
    }

    static float dotQ8_0(MemorySegment s, long off, float[] x, int xOff, int cols) {
        int blocks = cols / 32;
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long bo = off + 34L * b;
            int xo = xOff + 32 * b;
            FloatVector d = FloatVector.broadcast(F, Blocks.f16(s, bo));
            FloatVector p = bytesToFloats(ByteVector.fromMemorySegment(BL, s, bo + 2, LE)).mul(FloatVector.fromArray(F, x, xo));
            for (int j = L; j < 32; j += L) {
                p = bytesToFloats(ByteVector.fromMemorySegment(BL, s, bo + 2 + j, LE)).fma(FloatVector.fromArray(F, x, xo + j), p);
            }
            if ((b & 1) == 0) {
                acc0 = p.fma(d, acc0);
            } else {
                acc1 = p.fma(d, acc1);
            }
        }
        return sum(acc0.add(acc1));
    }

    static float dotQ4_0(MemorySegment s, long off, float[] x, int xOff, int cols) {
        int blocks = cols / 32;
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long bo = off + 18L * b;
            int xo = xOff + 32 * b;
            FloatVector d = FloatVector.broadcast(F, Blocks.f16(s, bo));
            FloatVector p = FloatVector.zero(F);
            for (int j = 0; j < 16; j += L) {
                // nibbles unpacked in int lanes: one widening of the bytes, then AND / shift / subtract and one
                // int-to-float conversion per half (the byte-lane form was ~17% slower: 11.4 against 13.6 GB per
                // CPU-second on 8192x2048, 6.3 against 7.3 on 2048x8192, one thread)
                IntVector q = (IntVector) ByteVector.fromMemorySegment(BL, s, bo + 2 + j, LE).castShape(I, 0);
                FloatVector lo = (FloatVector) q.and(0xF).sub(8).castShape(F, 0);
                FloatVector hi = (FloatVector) q.lanewise(VectorOperators.LSHR, 4).and(0xF).sub(8).castShape(F, 0);
                p = lo.fma(FloatVector.fromArray(F, x, xo + j), p);
                p = hi.fma(FloatVector.fromArray(F, x, xo + 16 + j), p);
            }
            if ((b & 1) == 0) {
                acc0 = p.fma(d, acc0);
            } else {
                acc1 = p.fma(d, acc1);
            }
        }
        return sum(acc0.add(acc1));
    }

    /** Q4_K: each super-block decoded to 256 floats (see VectorDequant), then a float dot (faster here than unpacking in the dot). */
    static float dotQ4_K(MemorySegment s, long off, float[] x, int xOff, int cols) {
        float[] buf = KQUANT_BLOCK.get();
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        for (int b = 0; b < cols / 256; b++) {
            VectorDequant.dequantizeRow(QuantType.Q4_K, s, off + 144L * b, buf, 0, 256);
            int xo = xOff + 256 * b;
            for (int i = 0; i < 256; i += 2 * L) {
                acc0 = FloatVector.fromArray(F, buf, i).fma(FloatVector.fromArray(F, x, xo + i), acc0);
                acc1 = FloatVector.fromArray(F, buf, i + L).fma(FloatVector.fromArray(F, x, xo + i + L), acc1);
            }
        }
        return sum(acc0.add(acc1));
    }


    private static final ThreadLocal<float[]> KQUANT_BLOCK /* one decoded K-quant super-block */ = ThreadLocal.withInitial(() -> new float[256]);

    /** Q6_K: each super-block decoded to 256 floats (see VectorDequant), then a float dot. */
    static float dotQ6_K(MemorySegment s, long off, float[] x, int xOff, int cols) {
        float[] buf = KQUANT_BLOCK.get();
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        for (int b = 0; b < cols / 256; b++) {
            VectorDequant.dequantizeRow(QuantType.Q6_K, s, off + 210L * b, buf, 0, 256);
            int xo = xOff + 256 * b;
            for (int i = 0; i < 256; i += 2 * L) {
                acc0 = FloatVector.fromArray(F, buf, i).fma(FloatVector.fromArray(F, x, xo + i), acc0);
                acc1 = FloatVector.fromArray(F, buf, i + L).fma(FloatVector.fromArray(F, x, xo + i + L), acc1);
            }
        }
        return sum(acc0.add(acc1));
    }


    /** Vectorized dequantization of one row (used by the batched matmul: decode once, reuse for every token). */
    public static void dequantizeRow(QuantType type, MemorySegment s, long off, float[] out, int outOff, int cols) {
        VectorDequant.dequantizeRow(type, s, off, out, outOff, cols);
    }
}
