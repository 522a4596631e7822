package dev.starling.app.loadbench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Heavy-tailed choices for a synthetic network: a Zipf sampler over ranks (popular accounts get
 * most follows and write most posts) and log-normal out-degrees with a given mean.
 */
final class HeavyTail {

    /** Samples ranks 0..n-1 with P(k) proportional to 1/(k+1)^exponent, by binary search on the CDF. */
    static final class Zipf {
        private final double[] cdf;

        Zipf(int n, double exponent) {
            if (n < 1) {
                throw new IllegalArgumentException("n must be >= 1, was " + n);
            }
            if (!(exponent >= 0 && exponent <= 4)) {
                throw new IllegalArgumentException("exponent must be 0..4, was " + exponent);
            }
            cdf = new double[n];
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += 1.0 / Math.pow(k + 1, exponent);
                cdf[k] = sum;
            }
            for (int k = 0; k < n; k++) {
                cdf[k] /= sum;
            }
            cdf[n - 1] = 1.0;
        }

        int sample(SplittableRandom random) {
            int i = Arrays.binarySearch(cdf, random.nextDouble());
            int k = i >= 0 ? i : -i - 1;
            return Math.min(k, cdf.length - 1);
        }
    }

    private HeavyTail() {
    }

    /**
     * A log-normal integer with the given mean and shape {@code sigma}, clamped to {@code [min, max]}.
     * (Mean of a log-normal is exp(mu + sigma^2/2), so mu = ln(mean) - sigma^2/2.)
     */
    static int logNormal(SplittableRandom random, double mean, double sigma, int min, int max) {
        if (mean <= 0) {
            return min;
        }
        double mu = Math.log(mean) - sigma * sigma / 2;
        double v = Math.exp(mu + sigma * gaussian(random));
        long r = Math.round(v);
        return (int) Math.max(min, Math.min(max, r));
    }

    static double gaussian(SplittableRandom random) {
        // Box-Muller; nextDouble() is in [0,1), so use 1 - u to avoid log(0).
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** A random permutation of 0..n-1 (Fisher-Yates). */
    static int[] permutation(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
