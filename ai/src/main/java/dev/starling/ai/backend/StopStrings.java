package dev.starling.ai.backend;

import java.util.List;

/**
 * Cuts generated text at the first stop string to complete (at its start; the longest if several complete on the
 * same character), wherever the pieces it was fed in begin and end. What {@link #feed} returns is safe to show: it
 * never contains a stop string or the beginning of one that might still complete, so streamed deltas and the final
 * text agree. Not thread-safe: one per generation.
 */
public final class StopStrings {

    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    public StopStrings(List<String> stops) {
        this.stops = List.copyOf(stops);
    }

    public boolean stopped() {
        return stopped;
    }

    /** Adds decoded text; returns the part that can be emitted now (empty while a stop string may be forming). */
    public String feed(String text) {
        if (stopped) {
            return "";
        }
        // Character by character, so that where the text is cut does not depend on how it was split into pieces:
        // the first stop string to complete wins (the longest one, if several complete on the same character).
        for (int i = 0; i < text.length(); i++) {
            pending.append(text.charAt(i));
            int cut = -1;
            for (String stop : stops) {
                int start = pending.length() - stop.length();
                if (start >= 0 && (cut < 0 || start < cut) && endsWith(pending, stop)) {
                    cut = start;
                }
            }
            if (cut >= 0) {
                stopped = true;
                String out = pending.substring(0, cut);
                pending.setLength(0);
                return out;
            }
        }
        int hold = 0;
        String buffered = pending.toString();
        for (String stop : stops) {
            for (int len = Math.min(stop.length() - 1, buffered.length()); len > hold; len--) {
                if (buffered.regionMatches(buffered.length() - len, stop, 0, len)) {
                    hold = len;
                    break;
                }
            }
        }
        String out = pending.substring(0, pending.length() - hold);
        pending.delete(0, pending.length() - hold);
        return out;
    }

    private static boolean endsWith(StringBuilder sb, String suffix) {
        int offset = sb.length() - suffix.length();
        for (int i = 0; i < suffix.length(); i++) {
            if (sb.charAt(offset + i) != suffix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The end of generation: whatever was held back is text after all. */
    public String finish() {
        if (stopped) {
            return "";
        }
        String out = pending.toString();
        pending.setLength(0);
        return out;
    }
}
