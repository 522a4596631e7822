package dev.starling.llm.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Picks the vector kernels when the JVM has usable vector lanes, the scalar reference otherwise
 * (or when {@code -Dstarling.llm.scalar=true} forces it, for debugging).
 */
public final class Kernels {
    /** True when the fast Vector API kernels are in use. */
    public static final boolean VECTOR = !Boolean.getBoolean("starling.llm.scalar") && vectorUsable();

    private Kernels() {
    }

    private static boolean vectorUsable() {
        try {
            return VectorKernels.available();
        } catch (Throwable t) { // no jdk.incubator.vector module, or an odd vector width
            return false;
        }
    }

    public static float dot(QuantType type, MemorySegment s, long off, float[] x, int xOff, int cols) {
        return VECTOR ? VectorKernels.dot(type, s, off, x, xOff, cols) : ScalarKernels.dot(type, s, off, x, xOff, cols);
    }

    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        return VECTOR ? VectorKernels.dot(a, aOff, b, bOff, n) : ScalarKernels.dot(a, aOff, b, bOff, n);
    }

    public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        if (VECTOR) {
            VectorKernels.axpy(a, x, xOff, y, yOff, n);
        } else {
            for (int i = 0; i < n; i++) {
                y[yOff + i] += a * x[xOff + i];
            }
        }
    }

    public static void dequantizeRow(QuantType type, MemorySegment s, long off, float[] out, int outOff, int cols) {
        if (VECTOR) {
            VectorKernels.dequantizeRow(type, s, off, out, outOff, cols);
        } else {
            ScalarKernels.dequantizeRow(type, s, off, out, outOff, cols);
        }
    }
}
