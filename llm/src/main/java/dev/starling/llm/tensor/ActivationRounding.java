package dev.starling.llm.tensor;

/**
 * Rounds activations the way llama.cpp's CPU backend does before a matrix product, so that our
 * results follow the reference closely: for Q8_0/Q4_0 weights x is quantized to Q8_0 (blocks of 32,
 * f16 scale amax/127), for Q4_K/Q6_K to Q8_K (blocks of 256, float scale max/-127), for F16 and BF16
 * weights to those formats; F32 stays. The rounded floats then go through the float kernels.
 */
public final class ActivationRounding {
    /** Q8_0 rounding through {@link VectorRounding} (the same bits as {@link #q8_0}, which stays as the reference). */
    private static final boolean VECTOR_Q8 = vectorQ8();

    private ActivationRounding() {
    }

    private static boolean vectorQ8() {
        try {
            return VectorRounding.usable();
        } catch (Throwable t) { // no jdk.incubator.vector module
            return false;
        }
    }

    /**
     * Whether {@link VectorRounding}'s paths can run here (the incubator vector module is present and its lanes fit):
     * Q8_0 rounding of a whole row is then one vector pass, and callers may use its other steps.
     */
    public static boolean vectorRoundingUsable() {
        return VECTOR_Q8;
    }

    /**
     * dst[dstOff ..+cols) = src[srcOff ..+cols) rounded as for a weight of this type (a copy when F32): one row, out of
     * place, so that a fused step (norm then rounding, SwiGLU then rounding) writes the product's input in one pass.
     */
    public static void roundRow(QuantType weightType, float[] src, int srcOff, float[] dst, int dstOff, int cols) {
        if (VECTOR_Q8 && MatMul.currentBatchVariant() >= 2 && (weightType == QuantType.Q8_0 || weightType == QuantType.Q4_0)) {
            VectorRounding.q8_0(src, srcOff, dst, dstOff, cols);
            return;
        }
        if (src != dst || srcOff != dstOff) {
            System.arraycopy(src, srcOff, dst, dstOff, cols);
        }
        round(weightType, dst, dstOff, 1, cols);
    }

    /** Rounds n rows of cols floats in place, as llama.cpp would for a weight of this type. */
    public static void round(QuantType weightType, float[] x, int rows, int cols) {
        round(weightType, x, 0, rows, cols);
    }

    /** Rounds rows [.. rows) of cols floats starting at x[from]. */
    public static void round(QuantType weightType, float[] x, int from, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int off = from + r * cols;
            switch (weightType) {
                case F32 -> {
                    return;
                }
                case F16 -> {
                    for (int i = 0; i < cols; i++) {
                        x[off + i] = Float.float16ToFloat(Float.floatToFloat16(x[off + i]));
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < cols; i++) {
                        x[off + i] = bf16Round(x[off + i]);
                    }
                }
                case Q8_0, Q4_0 -> {
                    if (VECTOR_Q8 && MatMul.currentBatchVariant() >= 2) {
                        VectorRounding.q8_0(x, off, x, off, cols);
                    } else {
                        q8_0(x, off, cols);
                    }
                }
                case Q4_K, Q6_K -> q8_K(x, off, cols);
            }
        }
    }

    /** Round to nearest even bf16, as ggml's fp32 to bf16 conversion. */
    static float bf16Round(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) { // NaN
            return Float.intBitsToFloat((bits | 0x00400000) & 0xffff0000);
        }
        bits = bits + (0x7fff + ((bits >>> 16) & 1));
        return Float.intBitsToFloat(bits & 0xffff0000);
    }

    /** The scalar reference of Q8_0 rounding (in place, whole blocks of 32). */
    static void q8_0(float[] x, int off, int n) {
        for (int b = 0; b + 32 <= n; b += 32) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[off + b + j]));
            }
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            float dh = Float.float16ToFloat(Float.floatToFloat16(d));
            for (int j = 0; j < 32; j++) {
                x[off + b + j] = dh * Math.round(x[off + b + j] * id);
            }
        }
    }

    private static void q8_K(float[] x, int off, int n) {
        for (int b = 0; b + 256 <= n; b += 256) {
            float amax = 0;
            float max = 0;
            for (int j = 0; j < 256; j++) {
                float v = x[off + b + j];
                if (Math.abs(v) > amax) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            if (amax == 0) {
                for (int j = 0; j < 256; j++) {
                    x[off + b + j] = 0;
                }
                continue;
            }
            float iscale = -127f / max;
            float d = 1f / iscale;
            for (int j = 0; j < 256; j++) {
                int v = (int) Math.rint(iscale * x[off + b + j]);
                x[off + b + j] = d * Math.min(127, v);
            }
        }
    }
}
