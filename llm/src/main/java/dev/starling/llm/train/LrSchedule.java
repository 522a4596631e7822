package dev.starling.llm.train;

/**
 * Linear warmup to {@code maxLr} over {@code warmupSteps}, then cosine decay to {@code minLr} at
 * {@code totalSteps} (and {@code minLr} after). Step numbers start at 0.
 */
public record LrSchedule(double maxLr, double minLr, int warmupSteps, int totalSteps) {

    public LrSchedule {
        if (!(maxLr > 0) || !(minLr >= 0) || minLr > maxLr || warmupSteps < 0 || totalSteps <= warmupSteps) {
            throw new IllegalArgumentException("schedule needs 0 ≤ minLr ≤ maxLr, maxLr > 0, 0 ≤ warmup < total; got "
                    + maxLr + ", " + minLr + ", " + warmupSteps + ", " + totalSteps);
        }
    }

    public double lr(int step) {
        if (step < warmupSteps) {
            return maxLr * (step + 1) / warmupSteps;
        }
        if (step >= totalSteps) {
            return minLr;
        }
        double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
        return minLr + 0.5 * (maxLr - minLr) * (1 + Math.cos(Math.PI * progress));
    }
}
