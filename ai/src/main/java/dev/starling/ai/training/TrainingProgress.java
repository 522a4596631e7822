package dev.starling.ai.training;

/**
 * A snapshot of a training job, for a progress bar, an admin page or a log line. Losses are NaN until known.
 *
 * @param phase            what the job is doing
 * @param step             optimizer steps done
 * @param totalSteps       steps of the whole run (0 until sized)
 * @param loss             recent training loss (mean of the last few steps)
 * @param valLoss          the latest validation loss
 * @param tokensPerSecond  training throughput of this session
 * @param etaMillis        estimated time to the end of training, -1 when unknown
 * @param elapsedMillis    wall time of this job so far
 * @param message          a human sentence: what happened last
 */
public record TrainingProgress(Phase phase, int step, int totalSteps, double loss, double valLoss,
        double tokensPerSecond, long etaMillis, long elapsedMillis, String message) {

    /** The job's phases in order; a job ends in DONE, REJECTED, CANCELLED or FAILED. */
    public enum Phase { CORPUS, TOKENIZER, TRAINING, EXPORT, DONE, REJECTED, CANCELLED, FAILED }

    public static TrainingProgress starting() {
        return new TrainingProgress(Phase.CORPUS, 0, 0, Double.NaN, Double.NaN, 0, -1, 0, "starting");
    }

    /** Share of the run done, 0..1 (0 before training, 1 once done). */
    public double fraction() {
        if (phase == Phase.DONE || phase == Phase.EXPORT) {
            return 1;
        }
        return totalSteps <= 0 ? 0 : Math.min(1.0, (double) step / totalSteps);
    }

    /** One line for a log: "training: step 120/900 (13%), loss 4.213, val 4.402, 3410 tok/s, ETA 6m12s". */
    public String describe() {
        StringBuilder sb = new StringBuilder(phase.name().toLowerCase(java.util.Locale.ROOT)).append(": ");
        if (totalSteps > 0) {
            sb.append("step ").append(step).append('/').append(totalSteps);
            if (phase == Phase.TRAINING) {
                sb.append(String.format(" (%d%%)", Math.round(100 * fraction())));
            }
        }
        if (!Double.isNaN(loss)) {
            sb.append(String.format(", loss %.3f", loss));
        }
        if (!Double.isNaN(valLoss)) {
            sb.append(String.format(", val %.3f", valLoss));
        }
        if (tokensPerSecond > 0) {
            sb.append(String.format(", %.0f tok/s", tokensPerSecond));
        }
        if (etaMillis >= 0 && phase == Phase.TRAINING) {
            sb.append(", ETA ").append(duration(etaMillis));
        }
        if (totalSteps <= 0 || phase != Phase.TRAINING) {
            sb.append(totalSteps > 0 ? ", " : "").append(message);
        }
        return sb.toString();
    }

    /** "1h02m", "6m12s", "45s". */
    public static String duration(long millis) {
        long s = Math.max(0, millis / 1000);
        if (s >= 3600) {
            return String.format("%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
