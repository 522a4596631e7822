package dev.starling.llm.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.gguf.Seeds;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Quantizers against hand-computed blocks, error bounds, and their dequantization. */
class QuantizeTest {

    @Test
    void q8_0BlockByHand() {
        float[] x = new float[32];
        for (int j = 0; j < 32; j++) {
            x[j] = j - 16;
        }
        byte[] b = Quantize.all(GgmlType.Q8_0, x);
        assertEquals(34, b.length);
        assertEquals(Float.floatToFloat16(16f / 127f), Bytes.getShort(b, 0));
        assertEquals(-127, b[2]);
        assertEquals(0, b[2 + 16]);
        assertEquals(Math.round(15 * 127f / 16f), b[2 + 31]); // 119.06 -> 119
        assertEquals(-24, b[2 + 13]); // -3 * 127/16 = -23.81 -> -24
    }

    @Test
    void q4_0BlockByHand() {
        float[] x = new float[32];
        for (int j = 0; j < 32; j++) {
            x[j] = j - 16;
        }
        byte[] b = Quantize.all(GgmlType.Q4_0, x);
        assertEquals(18, b.length);
        // value of largest magnitude is -16, so d = -16 / -8 = 2
        assertEquals(Float.floatToFloat16(2f), Bytes.getShort(b, 0));
        assertEquals((byte) 0x80, b[2]); // x0 = -16 -> 0, x16 = 0 -> 8
        assertEquals((byte) 0xF8, b[2 + 15]); // x15 = -1 -> trunc(-0.5 + 8.5) = 8; x31 = 15 -> 16 clamped to 15
        assertEquals((byte) 0xC4, b[2 + 8]); // x8 = -8 -> 4; x24 = 8 -> 12
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertEquals((short) 0x3F80, Quantize.toBf16(Float.intBitsToFloat(0x3F808000)));
        assertEquals((short) 0x3F82, Quantize.toBf16(Float.intBitsToFloat(0x3F818000)));
        assertEquals((short) 0x3F81, Quantize.toBf16(Float.intBitsToFloat(0x3F808001)));
        assertTrue(Float.isNaN(Float.intBitsToFloat((Quantize.toBf16(Float.NaN) & 0xFFFF) << 16)));
    }

    @ParameterizedTest
    @CsvSource({"F32, 0", "F16, 0.001", "BF16, 0.008", "Q8_0, 0.01", "Q4_0, 0.15", "Q4_K, 0.12", "Q6_K, 0.03"})
    void relativeErrorIsBounded(GgmlType type, double maxRelRmse) {
        long seed = Seeds.seed("relativeErrorIsBounded " + type);
        Random rnd = new Random(seed);
        for (int round = 0; round < 20; round++) {
            float[] x = new float[256 * (1 + rnd.nextInt(4))];
            // 1e-2..1e2: below that the fp16 block scales become subnormal (as in ggml) and lose precision
            double scale = Math.pow(10, rnd.nextInt(5) - 2);
            double shift = rnd.nextInt(4) == 0 ? scale * rnd.nextGaussian() : 0;
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (shift + scale * rnd.nextGaussian());
            }
            float[] y = Dequantize.all(type, Quantize.all(type, x), x.length);
            double err = 0;
            double sq = 0;
            for (int i = 0; i < x.length; i++) {
                err += (x[i] - y[i]) * (double) (x[i] - y[i]);
                sq += x[i] * (double) x[i];
                assertTrue(Float.isFinite(y[i]), "seed " + seed + " " + type + " value " + i);
            }
            double rel = Math.sqrt(err / sq);
            assertTrue(rel <= maxRelRmse, "seed " + seed + " " + type + " relative rmse " + rel + " > "
                    + maxRelRmse + " (scale " + scale + ")");
        }
    }

    @ParameterizedTest
    @CsvSource({"F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void zerosStayZeroAndBlocksAreIndependent(GgmlType type) {
        float[] x = new float[512];
        float[] y = Dequantize.all(type, Quantize.all(type, x), x.length);
        for (float v : y) {
            assertEquals(0f, v, 0f);
        }
        // a row of two super-blocks encodes each one exactly as it would alone
        Random rnd = new Random(42);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        byte[] whole = Quantize.all(type, x);
        float[] second = java.util.Arrays.copyOfRange(x, 256, 512);
        byte[] alone = Quantize.all(type, second);
        assertEquals(java.util.Arrays.toString(alone), java.util.Arrays.toString(
                java.util.Arrays.copyOfRange(whole, whole.length / 2, whole.length)));
    }

    @Test
    void q8_0ErrorPerValueIsWithinHalfAStep() {
        long seed = Seeds.seed("q8_0ErrorPerValueIsWithinHalfAStep");
        Random rnd = new Random(seed);
        float[] x = new float[32 * 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * 3);
        }
        byte[] q = Quantize.all(GgmlType.Q8_0, x);
        float[] y = Dequantize.all(GgmlType.Q8_0, q, x.length);
        for (int b = 0; b < x.length / 32; b++) {
            float d = Bytes.half(q, 34 * b);
            for (int j = 0; j < 32; j++) {
                int i = 32 * b + j;
                assertTrue(Math.abs(x[i] - y[i]) <= d * 0.5f + Math.abs(x[i]) * 1e-3f,
                        "seed " + seed + " value " + i + ": " + x[i] + " -> " + y[i] + " with d " + d);
            }
        }
    }
}
