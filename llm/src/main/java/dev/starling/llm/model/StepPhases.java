package dev.starling.llm.model;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Wall-clock and process CPU time per phase of the forward pass, for profiling a decode step
 * ({@code -Dstarling.llm.phaseTimes=true}; off by default, when every call is a constant-folded no-op).
 * Single caller thread only (the forward pass's); process CPU includes pool workers, spinning or not.
 */
public final class StepPhases {
    /** Whether phases are timed (read once at class load). */
    public static final boolean ON = Boolean.getBoolean("starling.llm.phaseTimes");

    /** The phases of one forward call, in order. */
    public enum Phase {
        SETUP, ATTN_NORM, ROUND_QKV, QKV, ROPE_KV, ATTENTION, ROUND_O, O, RESIDUAL, FFN_NORM, ROUND_GATE_UP, GATE_UP, SILU, ROUND_DOWN,
        DOWN, OUT_NORM, ROUND_OUT, OUTPUT, LOGITS_COPY, SAMPLE
    }

    private static final long[] WALL = new long[Phase.values().length];
    private static final long[] CPU = new long[Phase.values().length];
    private static final long[] COUNT = new long[Phase.values().length];
    private static long lastWall;
    private static long lastCpu;

    private StepPhases() {
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Starts the clock (the time until the next {@link #end} is charged to that phase). */
    public static void start() {
        if (ON) {
            lastWall = System.nanoTime();
            lastCpu = cpu();
        }
    }

    /** Charges the time since the last start/end to {@code p} and restarts the clock. */
    public static void end(Phase p) {
        if (ON) {
            long w = System.nanoTime();
            long c = cpu();
            WALL[p.ordinal()] += w - lastWall;
            CPU[p.ordinal()] += c - lastCpu;
            COUNT[p.ordinal()]++;
            lastWall = System.nanoTime();
            lastCpu = cpu();
        }
    }

    /** Forgets every total. */
    public static void reset() {
        java.util.Arrays.fill(WALL, 0);
        java.util.Arrays.fill(CPU, 0);
        java.util.Arrays.fill(COUNT, 0);
    }

    /** A table of milliseconds per step (wall and process CPU) for each phase, over {@code steps} steps. */
    public static String report(int steps) {
        StringBuilder b = new StringBuilder();
        long tw = 0;
        long tc = 0;
        for (Phase p : Phase.values()) {
            tw += WALL[p.ordinal()];
            tc += CPU[p.ordinal()];
        }
        b.append(String.format(Locale.ROOT, "%-14s %9s %9s %6s%n", "phase", "wall ms", "cpu ms", "wall%"));
        for (Phase p : Phase.values()) {
            int i = p.ordinal();
            if (COUNT[i] == 0) {
                continue;
            }
            b.append(String.format(Locale.ROOT, "%-14s %9.3f %9.3f %5.1f%%%n", p, WALL[i] / 1e6 / steps, CPU[i] / 1e6 / steps, 100.0 * WALL[i] / tw));
        }
        b.append(String.format(Locale.ROOT, "%-14s %9.3f %9.3f%n", "total/step", tw / 1e6 / steps, tc / 1e6 / steps));
        return b.toString();
    }
}
