package dev.starling.app.loadbench;

import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The load generator's one helper thread: every few milliseconds it ends exchanges that have waited longer than the
 * request timeout (the workers' sockets have none, see {@link HttpConnection#abortIfStuck}), and it reads this
 * process's CPU time when the measured window starts and ends, so that the generator's CPU per request covers the
 * window only (not the JVM's start or the warm-up's JIT compilation). Runs until interrupted.
 */
final class Watchdog implements Runnable {
    private final List<Worker> workers;
    private final long timeoutNanos;
    private final long measureFromNanos;
    private final long endNanos;
    private final long tickNanos;
    private volatile double windowCpuCores = Double.NaN;

    Watchdog(List<Worker> workers, long timeoutNanos, long measureFromNanos, long endNanos) {
        this.workers = List.copyOf(workers);
        this.timeoutNanos = timeoutNanos;
        this.measureFromNanos = measureFromNanos;
        this.endNanos = endNanos;
        // a timeout is kept to within a quarter of itself, and the CPU window's edges to within 20 ms
        this.tickNanos = Math.max(1_000_000, Math.min(20_000_000, timeoutNanos / 4));
        processCpuNanos(); // loads the management classes now, not at the window's start
    }

    /** The generator's CPU (all its threads) during the measured window, in cores; NaN when not known (stopped early, no CPU clock). */
    double windowCpuCores() {
        return windowCpuCores;
    }

    @Override
    public void run() {
        long cpuAtStart = -1;
        long wallAtStart = 0;
        boolean done = false;
        while (!Thread.currentThread().isInterrupted()) {
            long now = System.nanoTime();
            for (Worker w : workers) {
                w.connection.abortIfStuck(now, timeoutNanos);
            }
            if (cpuAtStart < 0 && now - measureFromNanos >= 0 && now - endNanos < 0) {
                cpuAtStart = processCpuNanos();
                wallAtStart = System.nanoTime();
            } else if (!done && cpuAtStart >= 0 && now - endNanos >= 0) {
                windowEnds(cpuAtStart, wallAtStart);
                done = true;
            }
            long next = tickNanos;
            if (cpuAtStart < 0 && measureFromNanos - now > 0) {
                next = Math.min(next, measureFromNanos - now);
            } else if (!done && endNanos - now > 0) {
                next = Math.min(next, endNanos - now);
            }
            LockSupport.parkNanos(Math.max(100_000, next));
        }
        if (!done && cpuAtStart >= 0) {
            windowEnds(cpuAtStart, wallAtStart); // the workers ended at the window's end, before this thread woke for it
        }
    }

    private void windowEnds(long cpuAtStart, long wallAtStart) {
        long cpu = processCpuNanos();
        long wall = System.nanoTime() - wallAtStart;
        if (cpu >= 0 && wall > 0) {
            windowCpuCores = (cpu - cpuAtStart) / (double) wall;
        }
    }

    /** CPU time of this JVM (all threads), or -1 when the platform does not report it. */
    static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
