package dev.starling.app.loadbench;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one measured window gave: successful requests (2xx) with their latencies, failures by kind
 * ({@code http_<status>}, the exception's class name, or {@code not_sent}), and the window's length.
 * {@code offeredRatePerSecond} is 0 for a closed loop; for an open loop it is the fixed schedule's
 * rate, latencies are from each request's scheduled time, {@code lateSends} counts sends that
 * started more than a millisecond after their schedule, and {@code clientLateSends} those of them whose connection
 * was free in time: the generator itself was late (its longest such delay is {@code maxClientLagMicros}).
 * {@code clientCpuCores} is the generator process's CPU during the measured window, in cores (NaN when unknown).
 */
public record LoadResult(Workload workload, int connections, double measuredSeconds, LatencyStats latencies,
                         long errors, Map<String, Long> errorsByKind, double offeredRatePerSecond, long lateSends,
                         long clientLateSends, long maxClientLagMicros, double clientCpuCores) {

    /** Share of a run's requests above which the generator's own late sends make its percentiles partly its own: 1%. */
    public static final double CLIENT_LATE_LIMIT = 0.01;

    /** A closed-loop result. */
    public LoadResult(Workload workload, int connections, double measuredSeconds, LatencyStats latencies,
                      long errors, Map<String, Long> errorsByKind) {
        this(workload, connections, measuredSeconds, latencies, errors, errorsByKind, 0, 0, 0, 0, Double.NaN);
    }

    /**
     * True when the open loop's generator did not keep its schedule: more than {@link #CLIENT_LATE_LIMIT} of the
     * requests were sent over a millisecond late while their connection was free. A missed latency target is then
     * (partly) the generator's, not the server's.
     */
    public boolean generatorFellBehind() {
        long all = ok() + errors;
        return offeredRatePerSecond > 0 && all > 0 && clientLateSends > CLIENT_LATE_LIMIT * all;
    }

    /** The generator's CPU per successful request in the measured window, in milliseconds; NaN when unknown. */
    public double clientCpuMillisPerRequest() {
        double t = throughputPerSecond();
        return t > 0 ? clientCpuCores * 1000 / t : Double.NaN;
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
                "loadbench-result workload=%s mode=%s offered_per_s=%.1f late_sends=%d client_late_sends=%d max_client_lag_ms=%.3f"
                        + " generator_behind=%s connections=%d seconds=%.3f ok=%d errors=%d"
                        + " throughput_per_s=%.1f p50_ms=%s p90_ms=%s p99_ms=%s p999_ms=%s max_ms=%s mean_ms=%.3f errors_by_kind=%s"
                        + " client_cpu_cores=%s client_cpu_ms_per_req=%s",
                workload.name().toLowerCase(Locale.ROOT), mode(), offeredRatePerSecond, lateSends, clientLateSends, maxClientLagMicros / 1000.0,
                generatorFellBehind() ? "yes" : "no", connections, measuredSeconds, ok(), errors,
                throughputPerSecond(),
                LatencyStats.millis(latencies.percentileMicros(50)), LatencyStats.millis(latencies.percentileMicros(90)),
                LatencyStats.millis(latencies.percentileMicros(99)), LatencyStats.millis(latencies.percentileMicros(99.9)),
                LatencyStats.millis(latencies.maxMicros()), latencies.meanMicros() / 1000.0,
                errorsByKind.isEmpty() ? "-" : new TreeMap<>(errorsByKind).toString().replace(" ", ""),
                Double.isNaN(clientCpuCores) ? "n/a" : String.format(Locale.ROOT, "%.2f", clientCpuCores),
                Double.isNaN(clientCpuMillisPerRequest()) ? "n/a" : String.format(Locale.ROOT, "%.4f", clientCpuMillisPerRequest()));
    }

    /** A few human lines. */
    public String describe() {
        String loop = offeredRatePerSecond > 0
                ? String.format(Locale.ROOT, "open loop at %.1f/s offered (latency from scheduled send; %d late sends, %d of them the"
                        + " generator's own, longest %.3f ms%s)", offeredRatePerSecond, lateSends, clientLateSends, maxClientLagMicros / 1000.0,
                        generatorFellBehind() ? ": THE GENERATOR FELL BEHIND, its percentiles are partly its own" : "")
                : "closed loop";
        return String.format(Locale.ROOT, "%s, %s, %d connections, %.1f s measured: %d ok (%.1f/s), %d errors%s%n"
                        + "  latency ms: p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  mean %.3f",
                workload.label(), loop, connections, measuredSeconds, ok(), throughputPerSecond(), errors,
                errorsByKind.isEmpty() ? "" : " " + new TreeMap<>(errorsByKind),
                LatencyStats.millis(latencies.percentileMicros(50)), LatencyStats.millis(latencies.percentileMicros(90)),
                LatencyStats.millis(latencies.percentileMicros(99)), LatencyStats.millis(latencies.percentileMicros(99.9)),
                LatencyStats.millis(latencies.maxMicros()), latencies.meanMicros() / 1000.0)
                + (Double.isNaN(clientCpuCores) ? "" : String.format(Locale.ROOT, "%n  load generator CPU in the window: %.2f cores, %.4f ms per request",
                        clientCpuCores, clientCpuMillisPerRequest()));
    }
}
