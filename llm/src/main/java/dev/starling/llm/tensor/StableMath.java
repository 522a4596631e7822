package dev.starling.llm.tensor;

/**
 * exp computed with plain IEEE operations only, so it gives the same bits in the interpreter and in
 * every JIT tier (Math.exp may differ by an ulp between an intrinsic and its fallback, which is
 * enough to flip a seeded sample). Relative error about 1e-13, far below float precision.
 */
public final class StableMath {
    private static final double LOG2E = 1.4426950408889634;
    private static final double LN2_HI = 0.6931471803691238;    // high bits of ln 2
    private static final double LN2_LO = 1.9082149292705877e-10; // ln 2 - LN2_HI

    private StableMath() {
    }

    public static double exp(double x) {
        if (x != x) {
            return x;
        }
        if (x > 709.0) {
            return Double.POSITIVE_INFINITY;
        }
        if (x < -745.0) {
            return 0.0;
        }
        double k = Math.rint(x * LOG2E);
        double r = (x - k * LN2_HI) - k * LN2_LO; // |r| <= 0.35
        // Taylor series to r^11 / 11!: error < 0.35^12 / 12! ~ 6e-15
        double p = 1.0 / 39916800;
        p = p * r + 1.0 / 3628800;
        p = p * r + 1.0 / 362880;
        p = p * r + 1.0 / 40320;
        p = p * r + 1.0 / 5040;
        p = p * r + 1.0 / 720;
        p = p * r + 1.0 / 120;
        p = p * r + 1.0 / 24;
        p = p * r + 1.0 / 6;
        p = p * r + 0.5;
        p = p * r + 1.0;
        p = p * r + 1.0;
        return Math.scalb(p, (int) k);
    }

    public static float exp(float x) {
        return (float) exp((double) x);
    }
}
