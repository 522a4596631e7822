package dev.starling.app.loadbench;

import java.util.Arrays;

/**
 * Latencies of one worker in microseconds, appended without locking (one recorder per thread) and
 * merged at the end into {@link LatencyStats}. Memory: 8 bytes per recorded request; the capacity
 * is bounded by {@link #MAX_SAMPLES} so that a very long run cannot exhaust the heap.
 */
public final class LatencyRecorder {
    /** 64 Mi samples (512 MiB) at most per recorder; beyond that samples are counted but dropped. */
    public static final int MAX_SAMPLES = 1 << 26;

    private long[] micros = new long[1024];
    private int size;
    private long dropped;

    /** Records one latency; negative values are a caller bug. */
    public void record(long latencyMicros) {
        if (latencyMicros < 0) {
            throw new IllegalArgumentException("latency must be >= 0 microseconds, was " + latencyMicros);
        }
        if (size == micros.length) {
            if (size >= MAX_SAMPLES) {
                dropped++;
                return;
            }
            micros = Arrays.copyOf(micros, Math.min(MAX_SAMPLES, size * 2));
        }
        micros[size++] = latencyMicros;
    }

    public int size() {
        return size;
    }

    /** Samples beyond {@link #MAX_SAMPLES} that were counted but not kept. */
    public long dropped() {
        return dropped;
    }

    long[] samples() {
        return Arrays.copyOf(micros, size);
    }

    /** All samples of all recorders, sorted, as statistics. */
    public static LatencyStats merge(Iterable<LatencyRecorder> recorders) {
        long total = 0;
        for (LatencyRecorder r : recorders) {
            total += r.size;
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("too many samples to merge: " + total);
        }
        long[] all = new long[(int) total];
        int at = 0;
        for (LatencyRecorder r : recorders) {
            System.arraycopy(r.micros, 0, all, at, r.size);
            at += r.size;
        }
        return LatencyStats.of(all);
    }
}
