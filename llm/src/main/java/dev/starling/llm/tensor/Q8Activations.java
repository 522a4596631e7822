package dev.starling.llm.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One activation row quantized to Q8_0 once per product (as llama.cpp's CPU backend does), for integer dot products
 * with Q8_0 weight rows: {@code q} holds the int8 values (in shorts, so that a weight block widened to 32 shorts meets
 * them in one 512-bit multiply), {@code scales[b]} the block's F16-rounded scale times 2^-16 (see {@link #dot}).
 * <p>Why: with float activations the Q8_0 matrix-vector kernel reads 4 bytes of x per weight byte; x of the down product
 * (8,192 floats, 32 KiB) then no longer stays in L1 beside the streaming weights. Shorts halve that, and a block costs a
 * widening, a 16-bit multiply, a shift-add-mask and one conversion instead of two widenings and two conversions.
 * Measured on one thread (Zen 5, per CPU-second, weights from memory): 2048x8192 (down) 9.2 -> 18.5 GB/s, 8192x2048
 * 21-23 -> 25-27 GB/s.
 * <p>The sums within a block are exact integers; the result differs from the float kernel only by float rounding (the
 * float kernel multiplies the F16 scale into each rounded activation first). Quantization is {@link ActivationRounding}'s
 * Q8_0 rounding (amax / 127, values {@code Math.round(x / d)}, scale rounded to F16), so activations that are already
 * Q8_0-rounded come back as exactly their int8 values and scale.
 * <p>Only for 16 float lanes (512-bit vectors); {@link #usable()} is false elsewhere and callers keep the float kernels.
 */
public final class Q8Activations {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_512;
    private static final VectorSpecies<Short> SH = ShortVector.SPECIES_256;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final float ROUND_F = 12582912f; // 1.5 * 2^23, as in VectorRounding
    private static final float TWO_M16 = 0x1p-16f;

    /** int8 values of the quantized row, one per column. */
    short[] q = new short[0];
    /** Per block of 32: the F16-rounded scale times 2^-16. */
    float[] scales = new float[0];
    int cols;
    /**
     * Whether the last {@link #quantize} found x already Q8_0-rounded (every value exactly its int8 times the block's
     * scale, as the engine's activations are before every Q8_0 product): then the integer dot products equal the float
     * kernel's up to float rounding. Otherwise callers keep the float kernel, whose contract is the dot with x itself.
     */
    boolean exact;

    /** Whether the integer path can run here: the Vector API with 16 float lanes. */
    public static boolean usable() {
        return Kernels.VECTOR && VectorKernels.L == 16;
    }

    /**
     * Quantizes x[xOff .. xOff + cols) (cols a multiple of 32) into this buffer, growing it as needed, and notes whether x
     * was already Q8_0-rounded ({@link #exact}).
     */
    public Q8Activations quantize(float[] x, int xOff, int cols) {
        if (cols % 32 != 0) {
            throw new IllegalArgumentException("Q8_0 activations need whole blocks of 32, got " + cols + " columns");
        }
        if (q.length < cols) {
            q = new short[cols];
            scales = new float[cols / 32];
        }
        this.cols = cols;
        FloatVector r = FloatVector.broadcast(F, ROUND_F);
        boolean same = true;
        for (int b = 0; b < cols / 32; b++) {
            int o = xOff + 32 * b;
            FloatVector v0 = FloatVector.fromArray(F, x, o);
            FloatVector v1 = FloatVector.fromArray(F, x, o + 16);
            float amax = v0.abs().max(v1.abs()).reduceLanes(VectorOperators.MAX);
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            float dh = Float.float16ToFloat(Float.floatToFloat16(d));
            scales[b] = dh * TWO_M16;
            // the two halves of the block written out (see dot: no vectors across calls or loop-carried choices)
            FloatVector u0 = v0.mul(id);
            FloatVector k0 = u0.add(r).sub(r); // nearest, ties to even
            k0 = k0.add(1f, u0.sub(k0).compare(VectorOperators.EQ, 0.5f)); // Math.round moves ties up
            IntVector i0 = (IntVector) k0.convertShape(VectorOperators.F2I, I, 0);
            ((ShortVector) i0.convertShape(VectorOperators.I2S, SH, 0)).intoArray(q, 32 * b);
            FloatVector u1 = v1.mul(id);
            FloatVector k1 = u1.add(r).sub(r);
            k1 = k1.add(1f, u1.sub(k1).compare(VectorOperators.EQ, 0.5f));
            IntVector i1 = (IntVector) k1.convertShape(VectorOperators.F2I, I, 0);
            ((ShortVector) i1.convertShape(VectorOperators.I2S, SH, 0)).intoArray(q, 32 * b + 16);
            // x was already rounded when each value is dh times its integer
            same &= k0.mul(dh).compare(VectorOperators.EQ, v0).allTrue() & k1.mul(dh).compare(VectorOperators.EQ, v1).allTrue();
        }
        exact = same;
        return this;
    }

    /** The scalar reference of {@link #quantize}. */
    public Q8Activations quantizeReference(float[] x, int xOff, int cols) {
        if (q.length < cols) {
            q = new short[cols];
            scales = new float[cols / 32];
        }
        this.cols = cols;
        boolean same = true;
        for (int b = 0; b < cols / 32; b++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[xOff + 32 * b + j]));
            }
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            float dh = Float.float16ToFloat(Float.floatToFloat16(d));
            scales[b] = dh * TWO_M16;
            for (int j = 0; j < 32; j++) {
                float v = x[xOff + 32 * b + j];
                q[32 * b + j] = (short) Math.round(v * id);
                same &= dh * q[32 * b + j] == v;
            }
        }
        exact = same;
        return this;
    }

    /**
     * dot(Q8_0 row at off, this row): per block, the weight bytes widened to shorts times the activation's, adjacent
     * pairs summed into int lanes (exact: |pair| <= 2 x 128 x 127 < 2^15, shifted up by 16 bits so the mask drops the
     * low half), converted to float and multiplied by the weight's F16 scale times {@link #scales}.
     */
    public float dot(MemorySegment s, long off) {
        // One block's work is written out three times rather than called: a helper taking and returning vectors may be
        // compiled on its own first and then not inlined ("callee is too large"), and every vector crossing the call is
        // then boxed (seen once in a whole Bench run: 10 instead of 30 tok/s).
        int blocks = cols / 32;
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        short[] xq = q;
        float[] xs = scales;
        int b = 0;
        for (; b + 2 <= blocks; b += 2) {
            long bo = off + 34L * b;
            ShortVector w0 = (ShortVector) ByteVector.fromMemorySegment(B, s, bo + 2, LE).castShape(S, 0);
            IntVector p0 = w0.mul(ShortVector.fromArray(S, xq, 32 * b)).reinterpretAsInts();
            IntVector pairs0 = p0.lanewise(VectorOperators.LSHL, 16).add(p0).and(0xFFFF0000);
            acc0 = ((FloatVector) pairs0.castShape(F, 0)).fma(FloatVector.broadcast(F, Blocks.f16(s, bo) * xs[b]), acc0);
            ShortVector w1 = (ShortVector) ByteVector.fromMemorySegment(B, s, bo + 36, LE).castShape(S, 0);
            IntVector p1 = w1.mul(ShortVector.fromArray(S, xq, 32 * b + 32)).reinterpretAsInts();
            IntVector pairs1 = p1.lanewise(VectorOperators.LSHL, 16).add(p1).and(0xFFFF0000);
            acc1 = ((FloatVector) pairs1.castShape(F, 0)).fma(FloatVector.broadcast(F, Blocks.f16(s, bo + 34) * xs[b + 1]), acc1);
        }
        if (b < blocks) {
            long bo = off + 34L * b;
            ShortVector w0 = (ShortVector) ByteVector.fromMemorySegment(B, s, bo + 2, LE).castShape(S, 0);
            IntVector p0 = w0.mul(ShortVector.fromArray(S, xq, 32 * b)).reinterpretAsInts();
            IntVector pairs0 = p0.lanewise(VectorOperators.LSHL, 16).add(p0).and(0xFFFF0000);
            acc0 = ((FloatVector) pairs0.castShape(F, 0)).fma(FloatVector.broadcast(F, Blocks.f16(s, bo) * xs[b]), acc0);
        }
        return VectorKernels.sum(acc0.add(acc1));
    }

    /** The scalar reference of {@link #dot}: sum over blocks of (weight scale x activation scale) x the exact integer sum. */
    public float dotReference(MemorySegment s, long off) {
        double sum = 0;
        for (int b = 0; b < cols / 32; b++) {
            long bo = off + 34L * b;
            long dot = 0;
            for (int j = 0; j < 32; j++) {
                dot += (long) Blocks.i8(s, bo + 2 + j) * q[32 * b + j];
            }
            sum += (double) Blocks.f16(s, bo) * scales[b] * 65536.0 * dot;
        }
        return (float) sum;
    }
}
