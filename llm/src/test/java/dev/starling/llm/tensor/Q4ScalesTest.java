package dev.starling.llm.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The vector decoding of Q4_0 block scales (batch variant 7) gives exactly the scalar decoding's floats. */
class Q4ScalesTest {

    @Test
    void everyHalfConvertsToTheSameFloatBitsAsFloat16ToFloat() {
        short[] halves = new short[1 << 16];
        for (int i = 0; i < halves.length; i++) {
            halves[i] = (short) i;
        }
        float[] got = Q4Scales.toFloats(halves);
        for (int i = 0; i < halves.length; i++) {
            float want = Float.float16ToFloat(halves[i]);
            int ii = i;
            if (Float.isNaN(want)) { // the quiet bit: compiled code (vcvtph2ps) sets it, the interpreter may not
                assertEquals(Float.floatToRawIntBits(want) | 0x0040_0000, Float.floatToRawIntBits(got[i]), () -> String.format("half %04x", ii));
            } else {
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got[i]), () -> String.format("half %04x", ii));
            }
        }
    }

    @Test
    void aTilesScalesEqualTheScalarDecodingOnRandomBytes() {
        long seed = TestSeeds.seed("Q4ScalesTest.decode");
        Random r = new Random(seed);
        for (int round = 0; round < 200; round++) {
            int blocks = 1 + r.nextInt(70); // groups of 4 blocks and a ragged tail
            int rowBytes = 18 * blocks;
            int off = r.nextInt(50);
            byte[] s = new byte[off + 4 * rowBytes + r.nextInt(3)];
            r.nextBytes(s); // every kind of half: normal, subnormal, zero, infinite, NaN
            int scOff = r.nextInt(20);
            float[] want = new float[scOff + 8 * blocks + 5];
            float[] got = new float[want.length];
            float[] scalar = new float[8 * blocks];
            BatchKernels.q4ScalesFast(s, off, rowBytes, blocks, scalar, 0);
            System.arraycopy(scalar, 0, want, scOff, scalar.length);
            Q4Scales.decode(s, off, rowBytes, blocks, got, scOff);
            for (int i = 0; i < want.length; i++) {
                int ii = i;
                int w = Float.floatToRawIntBits(want[i]);
                int g = Float.floatToRawIntBits(got[i]);
                if (Float.isNaN(want[i])) {
                    w |= 0x0040_0000; // see above: only the quiet bit may differ, and only where q4ScalesFast was not compiled
                    g |= 0x0040_0000;
                }
                assertEquals(w, g, () -> "blocks=" + blocks + " off=" + off + " float " + ii + ", seed " + seed);
            }
        }
    }
}
