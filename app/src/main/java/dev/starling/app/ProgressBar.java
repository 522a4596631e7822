package dev.starling.app;

import java.io.PrintStream;

/**
 * A one-line text progress bar on a terminal ({@code \r} redraws), or a line every 10% when the
 * output is not a terminal (logs, CI).
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final String label;
    private final boolean terminal;
    private int lastDecile = -1;
    private long lastDrawNanos;

    ProgressBar(PrintStream out, String label) {
        this.out = out;
        this.label = label;
        this.terminal = System.console() != null;
    }

    void update(long done, long total, String detail) {
        double fraction = total <= 0 ? 0 : Math.min(1.0, (double) done / total);
        if (terminal) {
            long now = System.nanoTime();
            if (done < total && now - lastDrawNanos < 100_000_000L) return;
            lastDrawNanos = now;
            int filled = (int) Math.round(fraction * WIDTH);
            out.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] "
                    + String.format("%3d%%", Math.round(fraction * 100)) + " " + done + "/" + total + " " + detail + "   ");
            out.flush();
        } else {
            int decile = (int) (fraction * 10);
            if (decile != lastDecile) {
                lastDecile = decile;
                out.println(label + ": " + Math.round(fraction * 100) + "% (" + done + "/" + total + ") " + detail);
            }
        }
    }

    void finish() {
        if (terminal) out.println();
    }
}
