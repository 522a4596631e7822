package dev.starling.search.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Wall time, this process's CPU time and the machine's load average around one phase of the benchmark. */
final class BenchClock {

    private final long wallStart = System.nanoTime();
    private final long cpuStart = cpuNanos();
    final String loadAtStart = loadAverage();

    double wallSeconds() {
        return (System.nanoTime() - wallStart) / 1e9;
    }

    double cpuSeconds() {
        return (cpuNanos() - cpuStart) / 1e9;
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The 1-minute load average (from /proc/loadavg), or "?" where there is none. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** The p-th percentile in milliseconds of nanosecond samples (nearest rank). */
    static double pct(long[] nanos, double p) {
        if (nanos.length == 0) {
            return Double.NaN;
        }
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[Math.max(0, Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1))] / 1e6;
    }
}
