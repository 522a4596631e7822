package dev.starling.llm.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API versions of the element-wise steps between the matrix products of a batched decode step: Q8_0
 * activation rounding ({@link ActivationRounding}) and SwiGLU's {@code g / (1 + exp(-g)) * u} with
 * {@link StableMath#exp}. Both give exactly the bits of their scalar definitions (same IEEE operations in the same
 * order; round-to-nearest-integer done with the 1.5 x 2^23 (float) or 1.5 x 2^52 (double) addition, which rounds
 * ties to even as {@code Math.rint} does, then ties moved up as {@code Math.round} does). A seeded test holds them to
 * the scalar versions; lanes the shortcut does not cover (|x| > 700 in exp, NaN) go through the scalar code.
 */
public final class VectorRounding {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** As many float lanes as D has double lanes (half its width). */
    private static final VectorSpecies<Float> FD = VectorSpecies.of(float.class, VectorShape.forBitSize(D.length() * 32));
    private static final VectorSpecies<Long> LD = LongVector.SPECIES_PREFERRED;
    private static final float ROUND_F = 12582912f; // 1.5 * 2^23: (v + R) - R rounds |v| < 2^22 to the nearest integer, ties to even
    private static final double ROUND_D = 6755399441055744.0; // 1.5 * 2^52
    private static final double LOG2E = 1.4426950408889634;
    private static final double LN2_HI = 0.6931471803691238;
    private static final double LN2_LO = 1.9082149292705877e-10;

    private VectorRounding() {
    }

    /** Whether the vector paths can run (32 divisible by the float lane count; otherwise callers use the scalar ones). */
    public static boolean usable() {
        return Kernels.VECTOR && 32 % L == 0 && LD.length() == D.length();
    }

    /**
     * dst[dstOff + i] = src[srcOff + i] rounded through Q8_0 (blocks of 32: scale amax / 127 rounded to F16, values
     * Math.round(x / scale) times it), for the whole blocks of n; a tail shorter than a block is copied as is.
     */
    public static void q8_0(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        int b = 0;
        FloatVector r = FloatVector.broadcast(F, ROUND_F);
        for (; b + 32 <= n; b += 32) {
            FloatVector amaxV = FloatVector.zero(F);
            for (int j = 0; j < 32; j += L) {
                amaxV = amaxV.max(FloatVector.fromArray(F, src, srcOff + b + j).abs());
            }
            float amax = amaxV.reduceLanes(VectorOperators.MAX);
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            float dh = Float.float16ToFloat(Float.floatToFloat16(d));
            for (int j = 0; j < 32; j += L) {
                FloatVector v = FloatVector.fromArray(F, src, srcOff + b + j).mul(id);
                FloatVector q = v.add(r).sub(r);
                q = q.add(1f, v.sub(q).compare(VectorOperators.EQ, 0.5f)); // Math.round moves ties up, rint to even
                q.mul(dh).intoArray(dst, dstOff + b + j);
            }
        }
        if (b < n && (src != dst || srcOff != dstOff)) {
            System.arraycopy(src, srcOff + b, dst, dstOff + b, n - b);
        }
    }

    /**
     * gate[off + i] = g / (1 + StableMath.exp(-g)) * up[off + i] with g = gate[off + i], for i in [0, n): exactly the
     * scalar expression's floats.
     */
    public static void silu(float[] gate, float[] up, int off, int n) {
        int dl = D.length();
        int i = 0;
        for (; i + dl <= n; i += dl) {
            FloatVector g = FloatVector.fromArray(FD, gate, off + i);
            DoubleVector x = (DoubleVector) g.neg().convertShape(VectorOperators.F2D, D, 0);
            VectorMask<Double> ok = x.abs().compare(VectorOperators.LE, 700.0); // false for NaN too
            if (!ok.allTrue()) {
                for (int j = i; j < i + dl; j++) {
                    float gj = gate[off + j];
                    gate[off + j] = gj / (1f + StableMath.exp(-gj)) * up[off + j];
                }
                continue;
            }
            FloatVector e = (FloatVector) exp(x).convertShape(VectorOperators.D2F, FD, 0);
            g.div(e.add(1f)).mul(FloatVector.fromArray(FD, up, off + i)).intoArray(gate, off + i);
        }
        for (; i < n; i++) {
            float g = gate[off + i];
            gate[off + i] = g / (1f + StableMath.exp(-g)) * up[off + i];
        }
    }

    /**
     * a[i] = StableMath.exp(a[i] - max) for i in [0, n): exactly the scalar expression's floats (the softmax numerators
     * of attention; callers sum them in order).
     */
    public static void expShifted(float[] a, int n, float max) {
        int dl = D.length();
        int i = 0;
        for (; i + dl <= n; i += dl) {
            FloatVector v = FloatVector.fromArray(FD, a, i).sub(max);
            DoubleVector x = (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
            if (!x.abs().compare(VectorOperators.LE, 700.0).allTrue()) {
                for (int j = i; j < i + dl; j++) {
                    a[j] = StableMath.exp(a[j] - max);
                }
                continue;
            }
            ((FloatVector) exp(x).convertShape(VectorOperators.D2F, FD, 0)).intoArray(a, i);
        }
        for (; i < n; i++) {
            a[i] = StableMath.exp(a[i] - max);
        }
    }

    /** {@link StableMath#exp(double)} for lanes with |x| <= 700 (so the result is normal and 2^k exact). */
    private static DoubleVector exp(DoubleVector x) {
        DoubleVector k = x.mul(LOG2E).add(ROUND_D).sub(ROUND_D); // Math.rint(x * LOG2E)
        DoubleVector r = x.sub(k.mul(LN2_HI)).sub(k.mul(LN2_LO));
        DoubleVector p = DoubleVector.broadcast(D, 1.0 / 39916800);
        p = p.mul(r).add(1.0 / 3628800);
        p = p.mul(r).add(1.0 / 362880);
        p = p.mul(r).add(1.0 / 40320);
        p = p.mul(r).add(1.0 / 5040);
        p = p.mul(r).add(1.0 / 720);
        p = p.mul(r).add(1.0 / 120);
        p = p.mul(r).add(1.0 / 24);
        p = p.mul(r).add(1.0 / 6);
        p = p.mul(r).add(0.5);
        p = p.mul(r).add(1.0);
        p = p.mul(r).add(1.0);
        LongVector bits = ((LongVector) k.convertShape(VectorOperators.D2L, LD, 0)).add(1023).lanewise(VectorOperators.LSHL, 52);
        return p.mul(bits.reinterpretAsDoubles()); // Math.scalb(p, k), exact while p * 2^k is normal
    }
}
