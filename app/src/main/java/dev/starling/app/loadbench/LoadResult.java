package dev.starling.app.loadbench;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one measured window gave: successful requests (2xx) with their latencies, failures by kind
 * ({@code http_<status>} or the exception's class name), and the window's length.
 */
public record LoadResult(Workload workload, int connections, double measuredSeconds, LatencyStats latencies,
                         long errors, Map<String, Long> errorsByKind) {

    public LoadResult {
        errorsByKind = Map.copyOf(new TreeMap<>(errorsByKind));
    }

    public long ok() {
        return latencies.count();
    }

    /** Successful requests per second of the measured window. */
    public double throughputPerSecond() {
        return measuredSeconds <= 0 ? 0 : ok() / measuredSeconds;
    }

    /**
     * One line of {@code key=value} pairs (milliseconds with 3 decimals), starting with
     * {@code loadbench-result}; what scripts parse.
     */
    public String summaryLine() {
        return String.format(Locale.ROOT,
                "loadbench-result workload=%s connections=%d seconds=%.3f ok=%d errors=%d throughput_per_s=%.1f"
                        + " p50_ms=%s p90_ms=%s p99_ms=%s p999_ms=%s max_ms=%s mean_ms=%.3f errors_by_kind=%s",
                workload.name().toLowerCase(Locale.ROOT), connections, measuredSeconds, ok(), errors, throughputPerSecond(),
                LatencyStats.millis(latencies.percentileMicros(50)), LatencyStats.millis(latencies.percentileMicros(90)),
                LatencyStats.millis(latencies.percentileMicros(99)), LatencyStats.millis(latencies.percentileMicros(99.9)),
                LatencyStats.millis(latencies.maxMicros()), latencies.meanMicros() / 1000.0,
                errorsByKind.isEmpty() ? "-" : new TreeMap<>(errorsByKind).toString().replace(" ", ""));
    }

    /** A few human lines. */
    public String describe() {
        return String.format(Locale.ROOT, "%s, %d connections, %.1f s measured: %d ok (%.1f/s), %d errors%s%n"
                        + "  latency ms: p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  mean %.3f",
                workload.label(), connections, measuredSeconds, ok(), throughputPerSecond(), errors,
                errorsByKind.isEmpty() ? "" : " " + new TreeMap<>(errorsByKind),
                LatencyStats.millis(latencies.percentileMicros(50)), LatencyStats.millis(latencies.percentileMicros(90)),
                LatencyStats.millis(latencies.percentileMicros(99)), LatencyStats.millis(latencies.percentileMicros(99.9)),
                LatencyStats.millis(latencies.maxMicros()), latencies.meanMicros() / 1000.0);
    }
}
