package dev.starling.llm.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The vector Q8_0 rounding and SwiGLU give exactly the bits of their scalar definitions (seeded random rows). */
class VectorRoundingTest {

    private static float value(Random r) {
        return switch (r.nextInt(10)) {
            case 0 -> 0f;
            case 1 -> (r.nextInt(255) - 127) + 0.5f; // exact ties when the block's scale is 1
            case 2 -> (float) (r.nextGaussian() * 1e-30);
            case 3 -> (float) (r.nextGaussian() * 1e4);
            default -> (float) r.nextGaussian() * (r.nextBoolean() ? 1f : 0.01f);
        };
    }

    @Test
    void q8_0RoundingMatchesTheScalarReferenceBitForBit() {
        assumeTrue(VectorRounding.usable(), "no usable vector lanes on this JVM");
        long seed = TestSeeds.seed("q8_0RoundingMatchesTheScalarReferenceBitForBit");
        Random r = new Random(seed);
        for (int iter = 0; iter < 2000; iter++) {
            int n = 1 + r.nextInt(300);
            int off = r.nextInt(5);
            float[] x = new float[off + n];
            for (int i = 0; i < n; i++) {
                x[off + i] = value(r);
            }
            int mode = r.nextInt(4);
            if (mode == 0 && n >= 32) { // a block with amax 127: scale 1, so the .5 values are exact ties
                x[off] = 127f;
            } else if (mode == 1) {
                java.util.Arrays.fill(x, off, off + Math.min(n, 32), 0f);
            } else if (mode == 2) {
                x[off + r.nextInt(n)] = r.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY;
            }
            float[] want = x.clone();
            ActivationRounding.q8_0(want, off, n);
            float[] got = new float[off + n + 3];
            VectorRounding.q8_0(x, off, got, 1, n);
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToRawIntBits(want[off + i]), Float.floatToRawIntBits(got[1 + i]),
                        "seed " + seed + " iteration " + iter + " n " + n + " index " + i + ": input " + x[off + i]);
            }
            float[] inPlace = x.clone();
            VectorRounding.q8_0(inPlace, off, inPlace, off, n);
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToRawIntBits(want[off + i]), Float.floatToRawIntBits(inPlace[off + i]),
                        "in place, seed " + seed + " iteration " + iter + " index " + i);
            }
        }
    }

    @Test
    void siluMatchesTheScalarExpressionBitForBit() {
        assumeTrue(VectorRounding.usable(), "no usable vector lanes on this JVM");
        long seed = TestSeeds.seed("siluMatchesTheScalarExpressionBitForBit");
        Random r = new Random(seed);
        for (int iter = 0; iter < 2000; iter++) {
            int n = 1 + r.nextInt(200);
            int off = r.nextInt(5);
            float[] gate = new float[off + n];
            float[] up = new float[off + n];
            for (int i = 0; i < n; i++) {
                gate[off + i] = switch (r.nextInt(12)) {
                    case 0 -> (float) (r.nextGaussian() * 800);
                    case 1 -> r.nextBoolean() ? Float.NaN : Float.NEGATIVE_INFINITY;
                    case 2 -> (float) (r.nextGaussian() * 60);
                    case 3 -> 0f;
                    default -> (float) r.nextGaussian() * 3f;
                };
                up[off + i] = (float) r.nextGaussian();
            }
            float[] want = gate.clone();
            for (int i = 0; i < n; i++) {
                float g = want[off + i];
                want[off + i] = g / (1f + StableMath.exp(-g)) * up[off + i];
            }
            float[] got = gate.clone();
            VectorRounding.silu(got, up, off, n);
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToRawIntBits(want[off + i]), Float.floatToRawIntBits(got[off + i]),
                        "seed " + seed + " iteration " + iter + " index " + i + ": gate " + gate[off + i] + " up " + up[off + i]);
            }
        }
    }

    @Test
    void shiftedExpMatchesTheScalarExpressionBitForBit() {
        assumeTrue(VectorRounding.usable(), "no usable vector lanes on this JVM");
        long seed = TestSeeds.seed("shiftedExpMatchesTheScalarExpressionBitForBit");
        Random r = new Random(seed);
        for (int iter = 0; iter < 2000; iter++) {
            int n = 1 + r.nextInt(200);
            float[] a = new float[n + r.nextInt(4)];
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < a.length; i++) {
                a[i] = switch (r.nextInt(10)) {
                    case 0 -> (float) (r.nextGaussian() * 500);
                    case 1 -> Float.NEGATIVE_INFINITY;
                    default -> (float) r.nextGaussian() * 4f;
                };
                if (i < n) {
                    max = Math.max(max, a[i]);
                }
            }
            if (max == Float.NEGATIVE_INFINITY) {
                max = 0;
            }
            float[] want = a.clone();
            for (int i = 0; i < n; i++) {
                want[i] = StableMath.exp(want[i] - max);
            }
            float[] got = a.clone();
            VectorRounding.expShifted(got, n, max);
            for (int i = 0; i < a.length; i++) {
                assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                        "seed " + seed + " iteration " + iter + " index " + i + ": score " + a[i] + " max " + max);
            }
        }
    }
}
