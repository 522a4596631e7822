package dev.starling.app.loadbench;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one measured window gave: successful requests (2xx) with their latencies, failures by kind
 * ({@code http_<status>}, the exception's class name, or {@code not_sent}), and the window's length.
 * {@code offeredRatePerSecond} is 0 for a closed loop; for an open loop it is the fixed schedule's
 * rate, latencies are from each request's scheduled time, and {@code lateSends} counts sends that
 * started more than a millisecond after their schedule.
 */
public record LoadResult(Workload workload, int connections, double measuredSeconds, LatencyStats latencies,
                         long errors, Map<String, Long> errorsByKind, double offeredRatePerSecond, long lateSends) {

    /** A closed-loop result. */
    public LoadResult(Workload workload, int connections, double measuredSeconds, LatencyStats latencies,
                      long errors, Map<String, Long> errorsByKind) {
        this(workload, connections, measuredSeconds, latencies, errors, errorsByKind, 0, 0);
    }

    /** "closed" or "open". */
    public String mode() {
        return offeredRatePerSecond > 0 ? "open" : "closed";
    }

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
                "loadbench-result workload=%s mode=%s offered_per_s=%.1f late_sends=%d connections=%d seconds=%.3f ok=%d errors=%d"
                        + " throughput_per_s=%.1f p50_ms=%s p90_ms=%s p99_ms=%s p999_ms=%s max_ms=%s mean_ms=%.3f errors_by_kind=%s",
                workload.name().toLowerCase(Locale.ROOT), mode(), offeredRatePerSecond, lateSends, connections, measuredSeconds, ok(), errors,
                throughputPerSecond(),
                LatencyStats.millis(latencies.percentileMicros(50)), LatencyStats.millis(latencies.percentileMicros(90)),
                LatencyStats.millis(latencies.percentileMicros(99)), LatencyStats.millis(latencies.percentileMicros(99.9)),
                LatencyStats.millis(latencies.maxMicros()), latencies.meanMicros() / 1000.0,
                errorsByKind.isEmpty() ? "-" : new TreeMap<>(errorsByKind).toString().replace(" ", ""));
    }

    /** A few human lines. */
    public String describe() {
        String loop = offeredRatePerSecond > 0
                ? String.format(Locale.ROOT, "open loop at %.1f/s offered (latency from scheduled send; %d late sends)", offeredRatePerSecond, lateSends)
                : "closed loop";
        return String.format(Locale.ROOT, "%s, %s, %d connections, %.1f s measured: %d ok (%.1f/s), %d errors%s%n"
                        + "  latency ms: p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  mean %.3f",
                workload.label(), loop, connections, measuredSeconds, ok(), throughputPerSecond(), errors,
                errorsByKind.isEmpty() ? "" : " " + new TreeMap<>(errorsByKind),
                LatencyStats.millis(latencies.percentileMicros(50)), LatencyStats.millis(latencies.percentileMicros(90)),
                LatencyStats.millis(latencies.percentileMicros(99)), LatencyStats.millis(latencies.percentileMicros(99.9)),
                LatencyStats.millis(latencies.maxMicros()), latencies.meanMicros() / 1000.0);
    }
}
