package dev.starling.app.train;

import dev.starling.ai.training.TrainingProgress;
import java.io.PrintStream;

/**
 * The training progress on stderr: a redrawn bar with step, loss, tokens/s and ETA on a terminal; on a log or
 * in CI a line at each phase change and each tenth of the run (and whenever the validation loss changes).
 */
final class TrainProgressLine {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final boolean terminal;
    private TrainingProgress.Phase lastPhase;
    private int lastDecile = -1;
    private double lastVal = Double.NaN;
    private long lastDrawNanos;
    private boolean drawn;

    TrainProgressLine(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    synchronized void update(TrainingProgress p) {
        boolean phaseChanged = p.phase() != lastPhase;
        lastPhase = p.phase();
        if (p.phase() != TrainingProgress.Phase.TRAINING || p.totalSteps() == 0) {
            if (phaseChanged || p.phase() == TrainingProgress.Phase.TOKENIZER) {
                endLine();
                out.println("starling train: " + p.describe());
            }
            return;
        }
        String detail = String.format("step %d/%d loss %s val %s %.0f tok/s ETA %s", p.step(), p.totalSteps(),
                fmt(p.loss()), fmt(p.valLoss()), p.tokensPerSecond(),
                p.etaMillis() < 0 ? "?" : TrainingProgress.duration(p.etaMillis()));
        if (terminal) {
            long now = System.nanoTime();
            if (p.step() < p.totalSteps() && now - lastDrawNanos < 100_000_000L) {
                return;
            }
            lastDrawNanos = now;
            int filled = (int) Math.round(p.fraction() * WIDTH);
            out.print("\rtraining [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] "
                    + String.format("%3d%% ", Math.round(p.fraction() * 100)) + detail + "   ");
            out.flush();
            drawn = true;
        } else {
            int decile = (int) (p.fraction() * 10);
            boolean newVal = !Double.isNaN(p.valLoss()) && Double.compare(p.valLoss(), lastVal) != 0;
            if (decile != lastDecile || newVal) {
                lastDecile = decile;
                lastVal = p.valLoss();
                out.println("training: " + Math.round(p.fraction() * 100) + "% " + detail);
            }
        }
    }

    synchronized void endLine() {
        if (drawn) {
            out.println();
            drawn = false;
        }
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.3f", v);
    }
}
