package dev.starling.llm.generate;

import java.util.List;

/**
 * Finds stop strings in streamed text and holds back the tail that could still become one, so that
 * a stop string never reaches the listener.
 */
final class StopMatcher {
    private final List<String> stops;
    private final StringBuilder text = new StringBuilder();
    private int emitted;
    private boolean stopped;

    StopMatcher(List<String> stops) {
        this.stops = stops;
    }

    /** Appends a piece; returns the text that is now safe to emit. */
    String push(String piece) {
        if (stopped) {
            return "";
        }
        text.append(piece);
        int from = Math.max(0, emitted - maxStopLength());
        int cut = -1;
        for (String s : stops) {
            int i = text.indexOf(s, from);
            if (i >= 0 && (cut < 0 || i < cut)) {
                cut = i;
            }
        }
        if (cut >= 0) {
            stopped = true;
            text.setLength(cut);
            return drain(text.length());
        }
        return drain(text.length() - heldBack());
    }

    /** True once a stop string was seen. */
    boolean stopped() {
        return stopped;
    }

    /** Emits whatever is held back (at the end of the generation). */
    String flush() {
        return drain(text.length());
    }

    String text() {
        return text.toString();
    }

    private String drain(int upTo) {
        if (upTo <= emitted) {
            return "";
        }
        String s = text.substring(emitted, upTo);
        emitted = upTo;
        return s;
    }

    /** Length of the longest suffix of text that is a proper prefix of a stop string. */
    private int heldBack() {
        int best = 0;
        for (String s : stops) {
            for (int len = Math.min(s.length() - 1, text.length()); len > best; len--) {
                if (suffixIsPrefix(s, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }

    private boolean suffixIsPrefix(String stop, int len) {
        int start = text.length() - len;
        for (int i = 0; i < len; i++) {
            if (text.charAt(start + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private int maxStopLength() {
        int m = 0;
        for (String s : stops) {
            m = Math.max(m, s.length());
        }
        return m;
    }
}
