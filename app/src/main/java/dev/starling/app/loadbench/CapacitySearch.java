package dev.starling.app.loadbench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The open-loop capacity: the highest offered rate that this generator and the server keep up with <em>together</em>,
 * found by bisection over {@code [0, upper]} with short open-loop steps. A closed loop's maximum is the wrong base for
 * open-loop points: it is measured with the generator's cheaper closed loop and the server's batching under
 * saturation, so "75% of it" may be more than the two can do open loop on the same cores.
 *
 * <p>A step keeps up when it had no errors, its generator kept its schedule ({@link LoadResult#generatorFellBehind()}
 * false) and its p99, measured from the scheduled send times, is at most the bound. Past the capacity the queue grows
 * through the whole step, so its p99 grows with the step's length: a few seconds over it give a p99 of hundreds of
 * milliseconds, far past a bound of tens. A rate that fails only because the generator fell behind still fails: the
 * capacity is what the two reach together on this machine, and the report says which side gave out.
 */
final class CapacitySearch {
    /** Runs one open-loop step at the given rate. */
    @FunctionalInterface
    interface StepRunner {
        LoadResult run(double ratePerSecond) throws InterruptedException;
    }

    /** One step: its rate, what it gave, and why it did not keep up (null when it did). */
    record Step(double ratePerSecond, LoadResult result, String missed) {
        boolean keptUp() {
            return missed == null;
        }

        /** {@code 12000:kept:p99=1.234} or {@code 15000:missed:p99=412.5}, for a result line. */
        String brief() {
            String why = missed == null ? "kept" : "missed";
            return String.format(Locale.ROOT, "%.0f:%s:p99=%s:client_late=%d", ratePerSecond, why,
                    LatencyStats.millis(result.latencies().percentileMicros(99)), result.clientLateSends());
        }
    }

    /** The capacity found (0 when no step kept up), the range searched and every step in order. */
    record Outcome(double capacityPerSecond, double upperPerSecond, double maxP99Millis, List<Step> steps) {
        /** True when every step kept up: the capacity may lie above the range searched. */
        boolean atTop() {
            return steps.stream().allMatch(Step::keptUp);
        }
    }

    static final int MAX_STEPS = 12;

    private CapacitySearch() {
    }

    /** Why a step did not keep up, or null when it did. */
    static String missed(LoadResult r, double maxP99Millis) {
        if (r.errors() > 0) {
            return r.errors() + " errors " + r.errorsByKind();
        }
        if (r.ok() == 0) {
            return "no request answered";
        }
        if (r.generatorFellBehind()) {
            return String.format(Locale.ROOT, "the generator fell behind: %d of %d sends over 1 ms late with their connection free",
                    r.clientLateSends(), r.ok());
        }
        double p99 = r.latencies().percentileMicros(99) / 1000.0;
        if (p99 > maxP99Millis) {
            return String.format(Locale.ROOT, "p99 %.3f ms over %.3f ms (%d sends queued behind a late answer)", p99, maxP99Millis,
                    r.lateSends() - r.clientLateSends());
        }
        return null;
    }

    /**
     * Bisects {@code [0, upperPerSecond]} with {@code steps} steps (rates rounded to whole requests per second):
     * each step that keeps up raises the lower end, each that does not lowers the upper one.
     */
    static Outcome search(double upperPerSecond, int steps, double maxP99Millis, StepRunner runner) throws InterruptedException {
        if (!(upperPerSecond >= 2 && upperPerSecond <= LoadGenerator.Config.MAX_RATE_PER_SECOND)) {
            throw new IllegalArgumentException("the upper rate must be 2.." + (long) LoadGenerator.Config.MAX_RATE_PER_SECOND
                    + " requests per second, was " + upperPerSecond);
        }
        if (steps < 1 || steps > MAX_STEPS) {
            throw new IllegalArgumentException("steps must be 1.." + MAX_STEPS + ", was " + steps);
        }
        if (!(maxP99Millis > 0 && maxP99Millis <= 60_000)) {
            throw new IllegalArgumentException("the p99 bound must be in (0, 60000] ms, was " + maxP99Millis);
        }
        double lo = 0;
        double hi = upperPerSecond;
        List<Step> done = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            double rate = Math.max(1, Math.round((lo + hi) / 2));
            if (rate <= lo || rate >= hi) {
                break; // the range is down to one request per second
            }
            LoadResult r = runner.run(rate);
            Step step = new Step(rate, r, missed(r, maxP99Millis));
            done.add(step);
            if (step.keptUp()) {
                lo = rate;
            } else {
                hi = rate;
            }
        }
        return new Outcome(lo, upperPerSecond, maxP99Millis, List.copyOf(done));
    }
}
