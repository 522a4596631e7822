package dev.starling.app.loadbench;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;

/**
 * Summary of latencies in microseconds: count, mean, max and percentiles by the nearest-rank
 * method (the p-th percentile is the smallest sample such that at least p% of samples are less
 * than or equal to it), computed from the exactly sorted samples, so there is no bucketing error.
 */
public final class LatencyStats {
    private final long[] sortedMicros;
    private final double meanMicros;

    private LatencyStats(long[] sortedMicros) {
        this.sortedMicros = sortedMicros;
        double sum = 0;
        for (long v : sortedMicros) {
            sum += v;
        }
        this.meanMicros = sortedMicros.length == 0 ? Double.NaN : sum / sortedMicros.length;
    }

    /** Statistics of {@code micros} (copied; the argument is not changed). */
    public static LatencyStats of(long[] micros) {
        long[] s = micros.clone();
        Arrays.sort(s);
        if (s.length > 0 && s[0] < 0) {
            throw new IllegalArgumentException("latencies must be >= 0, found " + s[0]);
        }
        return new LatencyStats(s);
    }

    public int count() {
        return sortedMicros.length;
    }

    /**
     * The nearest-rank percentile in microseconds, {@code 0 < percent <= 100}; -1 when there are no samples.
     */
    public long percentileMicros(double percent) {
        if (!(percent > 0 && percent <= 100)) {
            throw new IllegalArgumentException("percent must be in (0, 100], was " + percent);
        }
        int n = sortedMicros.length;
        if (n == 0) {
            return -1;
        }
        // rank = ceil(p/100 * n), 1-based, in decimal arithmetic so that e.g. 99.9% of 1000
        // samples is exactly rank 999, not 1000 through binary rounding.
        long rank = BigDecimal.valueOf(percent).multiply(BigDecimal.valueOf(n))
                .divide(BigDecimal.valueOf(100), 0, RoundingMode.CEILING).longValueExact();
        return sortedMicros[(int) Math.max(0, Math.min(n - 1, rank - 1))];
    }

    public long maxMicros() {
        return sortedMicros.length == 0 ? -1 : sortedMicros[sortedMicros.length - 1];
    }

    public long minMicros() {
        return sortedMicros.length == 0 ? -1 : sortedMicros[0];
    }

    public double meanMicros() {
        return meanMicros;
    }

    /** Milliseconds with three decimals, e.g. for reports. */
    public static String millis(long micros) {
        return micros < 0 ? "n/a" : String.format(java.util.Locale.ROOT, "%.3f", micros / 1000.0);
    }
}
