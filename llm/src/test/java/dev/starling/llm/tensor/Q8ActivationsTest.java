package dev.starling.llm.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The integer Q8_0 single-token path ({@link Q8Activations}, matvec variant 1): its vector quantization gives exactly the
 * scalar reference's int8 values and scales, rounded activations come back exactly, its dot products agree with the
 * scalar reference and with the float kernel on random shapes (odd block counts, unaligned rows, weights of -128), and
 * MatMul takes it only for Q8_0-rounded inputs.
 */
class Q8ActivationsTest {

    private static void assumeUsable() {
        Assumptions.assumeTrue(Q8Activations.usable(), "the integer Q8_0 kernel needs 16 float lanes (512-bit vectors)");
    }

    /** Gaussian values, with now and then a zero block, a block of one repeated value, or values exactly between two steps. */
    private static float[] activations(int cols, Random r) {
        float[] x = RandomRows.vector(cols, r);
        for (int b = 0; b < cols / 32; b++) {
            switch (r.nextInt(8)) {
                case 0 -> Arrays.fill(x, 32 * b, 32 * b + 32, 0f);
                case 1 -> Arrays.fill(x, 32 * b, 32 * b + 32, (float) r.nextGaussian());
                case 2 -> { // amax 127 gives scale 1: halves are ties that Math.round moves up
                    for (int j = 0; j < 32; j++) {
                        x[32 * b + j] = j == 0 ? 127f : (r.nextInt(255) - 127) + 0.5f * r.nextInt(2);
                    }
                }
                default -> {
                }
            }
        }
        return x;
    }

    @Test
    void vectorQuantizationGivesExactlyTheReferenceValuesAndScales() {
        assumeUsable();
        long seed = TestSeeds.seed("Q8ActivationsTest.quantize");
        Random r = new Random(seed);
        Q8Activations fast = new Q8Activations();
        Q8Activations ref = new Q8Activations();
        for (int trial = 0; trial < 200; trial++) {
            int cols = 32 * (1 + r.nextInt(70));
            int off = r.nextInt(5);
            float[] x = new float[off + cols];
            System.arraycopy(activations(cols, r), 0, x, off, cols);
            boolean rounded = r.nextBoolean();
            if (rounded) {
                ActivationRounding.q8_0(x, off, cols);
            }
            fast.quantize(x, off, cols);
            ref.quantizeReference(x, off, cols);
            assertArrayEquals(Arrays.copyOf(ref.q, cols), Arrays.copyOf(fast.q, cols), "int8 values, seed " + seed);
            assertArrayEquals(Arrays.copyOf(ref.scales, cols / 32), Arrays.copyOf(fast.scales, cols / 32), "scales, seed " + seed);
            assertEquals(ref.exact, fast.exact, "exactness, seed " + seed);
            if (rounded) {
                assertTrue(fast.exact, "a rounded input found inexact, seed " + seed);
            }
        }
    }

    @Test
    void roundedActivationsComeBackBitForBit() {
        assumeUsable();
        long seed = TestSeeds.seed("Q8ActivationsTest.idempotent");
        Random r = new Random(seed);
        Q8Activations a = new Q8Activations();
        for (int trial = 0; trial < 100; trial++) {
            int cols = 32 * (1 + r.nextInt(64));
            float[] x = activations(cols, r);
            float magnitude = (float) Math.pow(10, r.nextInt(9) - 6); // 1e-6 .. 1e2: subnormal F16 scales too
            for (int i = 0; i < cols; i++) {
                x[i] *= magnitude;
            }
            ActivationRounding.q8_0(x, 0, cols);
            a.quantize(x, 0, cols);
            assertTrue(a.exact, "seed " + seed);
            for (int i = 0; i < cols; i++) {
                float back = a.scales[i / 32] * 65536f * a.q[i];
                assertEquals(Float.floatToIntBits(x[i] + 0f), Float.floatToIntBits(back + 0f), "element " + i + ", seed " + seed);
                assertTrue(Math.abs(a.q[i]) <= 127, "seed " + seed);
            }
        }
    }

    @Test
    void dotMatchesTheScalarReferenceAndTheFloatKernel() {
        assumeUsable();
        long seed = TestSeeds.seed("Q8ActivationsTest.dot");
        Random r = new Random(seed);
        Q8Activations a = new Q8Activations();
        try (Arena arena = Arena.ofConfined()) {
            for (int trial = 0; trial < 300; trial++) {
                int cols = 32 * (1 + r.nextInt(41)); // odd block counts: the unpaired last block
                int pad = r.nextInt(7); // unaligned rows
                MemorySegment s = RandomRows.matrix(arena, QuantType.Q8_0, 1, cols, pad, r);
                if (r.nextInt(4) == 0) { // the extreme weight -128 somewhere in every block
                    for (int b = 0; b < cols / 32; b++) {
                        s.set(ValueLayout.JAVA_BYTE, pad + 34L * b + 2 + r.nextInt(32), (byte) -128);
                    }
                }
                float[] x = activations(cols, r);
                ActivationRounding.q8_0(x, 0, cols);
                a.quantize(x, 0, cols);
                float got = a.dot(s, pad);
                float want = a.dotReference(s, pad);
                float floats = ScalarKernels.dot(QuantType.Q8_0, s, pad, x, 0, cols);
                float tol = RandomRows.dotTolerance(QuantType.Q8_0, s, pad, x, 0, cols);
                final int c = cols;
                assertEquals(want, got, tol, () -> "cols=" + c + " integer kernel against its reference, seed " + seed);
                assertEquals(floats, got, tol, () -> "cols=" + c + " integer kernel against the float reference, seed " + seed);
            }
        }
    }

    @Test
    void matMulTakesTheIntegerPathOnlyForRoundedInputs() {
        assumeUsable();
        long seed = TestSeeds.seed("Q8ActivationsTest.matmul");
        Random r = new Random(seed);
        int before = MatMul.currentMatvecVariant();
        try (Arena arena = Arena.ofShared(); ComputePool pool = new ComputePool(2)) {
            for (int trial = 0; trial < 20; trial++) {
                int rows = 1 + r.nextInt(90);
                int cols = 32 * (1 + r.nextInt(20));
                MemorySegment s = RandomRows.matrix(arena, QuantType.Q8_0, rows, cols, 0, r);
                QuantizedMatrix w = new QuantizedMatrix("w", QuantType.Q8_0, s, rows, cols);
                QuantizedMatrix w2 = new QuantizedMatrix("w2", QuantType.Q8_0, RandomRows.matrix(arena, QuantType.Q8_0, rows + 3, cols, 0, r), rows + 3, cols);
                float[] raw = activations(cols, r);
                float[] x = raw.clone();
                ActivationRounding.q8_0(x, 0, cols);
                float[][] out = new float[2][rows];
                float[][] many = {new float[rows], new float[rows + 3]};
                float[][] rawOut = new float[2][rows];
                for (int v = 0; v <= 1; v++) {
                    MatMul.setMatvecVariant(v);
                    MatMul.matvec(pool, w, x, 0, out[v], 0);
                    MatMul.matvec(pool, w, raw, 0, rawOut[v], 0);
                }
                MatMul.setMatvecVariant(2); // guided pieces of rows: the same floats
                float[] guided = new float[rows];
                MatMul.matvec(pool, w, x, 0, guided, 0);
                float[][] manyGuided = {new float[rows], new float[rows + 3]};
                MatMul.matmulMany(pool, new QuantizedMatrix[] {w, w2}, new float[][] {x, x}, 1, manyGuided);
                MatMul.setMatvecVariant(1);
                MatMul.matmulMany(pool, new QuantizedMatrix[] {w, w2}, new float[][] {x, x}, 1, many);
                assertArrayEquals(out[1], guided, "matvec variant 2, seed " + seed);
                assertArrayEquals(many[0], manyGuided[0], "matmulMany with variant 2, seed " + seed);
                assertArrayEquals(many[1], manyGuided[1], "matmulMany with variant 2, seed " + seed);
                float[] alone2 = new float[rows + 3];
                MatMul.matvec(pool, w2, x, 0, alone2, 0);
                for (int row = 0; row < rows; row++) {
                    float tol = RandomRows.dotTolerance(QuantType.Q8_0, s, w.rowOffset(row), x, 0, cols);
                    int rr = row;
                    assertEquals(out[0][row], out[1][row], tol, () -> "row " + rr + ": integer against float path, seed " + seed);
                    assertEquals(Float.floatToIntBits(out[1][row]), Float.floatToIntBits(many[0][row]), "matmulMany, seed " + seed);
                    // an input that is not Q8_0-rounded keeps the float kernel: the same bits with either variant
                    assertEquals(Float.floatToIntBits(rawOut[0][row]), Float.floatToIntBits(rawOut[1][row]), "unrounded input, seed " + seed);
                }
                assertArrayEquals(alone2, many[1], "matmulMany's second weight shares the quantized input, seed " + seed);
                if (!Arrays.equals(raw, x)) { // rounding changed it, so it was not Q8_0-rounded
                    assertFalse(new Q8Activations().quantize(raw, 0, cols).exact, "an unrounded input found exact, seed " + seed);
                }
            }
        } finally {
            MatMul.setMatvecVariant(before);
        }
    }
}
