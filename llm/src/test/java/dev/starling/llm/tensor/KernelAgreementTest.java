package dev.starling.llm.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every vector kernel agrees with the scalar reference on seeded random shapes, including ragged tails. */
class KernelAgreementTest {

    @ParameterizedTest
    @EnumSource(QuantType.class)
    void vectorDotAndDequantizeMatchTheReference(QuantType type) {
        long seed = TestSeeds.seed("KernelAgreementTest." + type);
        Random r = new Random(seed);
        try (Arena arena = Arena.ofConfined()) {
            for (int trial = 0; trial < 40; trial++) {
                int cols = type.blockSize == 1 ? 1 + r.nextInt(300) : type.blockSize * (1 + r.nextInt(type.blockSize == 32 ? 20 : 4));
                int pad = r.nextInt(7); // unaligned rows
                int xOff = r.nextInt(5);
                MemorySegment s = RandomRows.matrix(arena, type, 1, cols, pad, r);
                float[] x = RandomRows.vector(cols + xOff, r);
                float[] ref = new float[cols];
                float[] fast = new float[cols + 3];
                ScalarKernels.dequantizeRow(type, s, pad, ref, 0, cols);
                VectorKernels.dequantizeRow(type, s, pad, fast, 3, cols);
                for (int i = 0; i < cols; i++) {
                    assertEquals(ref[i], fast[3 + i], Math.abs(ref[i]) * 1e-6f, () -> type + " dequant mismatch, seed " + seed);
                }
                double magnitude = 0;
                for (int i = 0; i < cols; i++) {
                    magnitude += Math.abs(ref[i] * x[xOff + i]);
                }
                float want = ScalarKernels.dot(type, s, pad, x, xOff, cols);
                float got = VectorKernels.dot(type, s, pad, x, xOff, cols);
                double tol = 1e-5 * magnitude + 1e-30;
                final int c = cols;
                assertTrue(Math.abs(want - got) <= tol,
                        () -> type + " cols=" + c + " dot " + got + " vs reference " + want + " (tol " + tol + "), seed " + seed);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(QuantType.class)
    void scalarDequantizeMatchesHandDecodedBlock(QuantType type) {
        // the first element of a block with scale 2.0 and known quant bits, decoded by hand from the ggml layout
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(type.blockBytes, 1);
            float[] out = new float[type.blockSize];
            short two = Float.floatToFloat16(2.0f);
            float expectFirst;
            switch (type) {
                case F32 -> { s.set(Blocks.FLOAT_LE, 0, 1.5f); expectFirst = 1.5f; }
                case F16 -> { s.set(Blocks.SHORT_LE, 0, Float.floatToFloat16(-3.25f)); expectFirst = -3.25f; }
                case BF16 -> { s.set(Blocks.SHORT_LE, 0, (short) 0x4040); expectFirst = 3.0f; }
                case Q8_0 -> { s.set(Blocks.SHORT_LE, 0, two); s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 2, (byte) -5); expectFirst = -10f; }
                case Q4_0 -> { s.set(Blocks.SHORT_LE, 0, two); s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 2, (byte) 0x3B); expectFirst = 2f * (0xB - 8); }
                case Q4_K -> {
                    s.set(Blocks.SHORT_LE, 0, two);                       // d
                    s.set(Blocks.SHORT_LE, 2, Float.floatToFloat16(0.5f)); // dmin
                    s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 4, (byte) 3);     // scale[0] = 3
                    s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 8, (byte) 4);     // min[0] = 4
                    s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 16, (byte) 0x07); // q[0] = 7
                    expectFirst = 2f * 3 * 7 - 0.5f * 4;
                }
                case Q6_K -> {
                    s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 0x05);   // ql[0] low nibble 5
                    s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 128, (byte) 0x02); // qh[0] bits 0..1 = 2 -> q = 5 | 32 = 37
                    s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 192, (byte) -3);   // scales[0]
                    s.set(Blocks.SHORT_LE, 208, two);
                    expectFirst = 2f * -3 * (37 - 32);
                }
                default -> throw new AssertionError(type);
            }
            ScalarKernels.dequantizeRow(type, s, 0, out, 0, type.blockSize);
            assertEquals(expectFirst, out[0], 0f, type + " first element");
        }
    }
}
