package dev.starling.social.changes;

import java.util.function.Consumer;

/**
 * Reads the entries of a change log row (migration V6): {@code K,a,b,c} separated by {@code ;}. An
 * entry that does not parse (an unknown letter, a bad number, too many numbers) is reported as a
 * reset: a listener that cannot tell what changed must drop everything rather than miss a change.
 */
final class Payloads {

    private Payloads() {
    }

    /** Parses {@code payload}, giving each change to {@code changes}, in order. */
    static void parse(String payload, Consumer<Change> changes) {
        int at = 0;
        int n = payload.length();
        while (at <= n) {
            int end = payload.indexOf(';', at);
            if (end < 0) {
                end = n;
            }
            entry(payload, at, end, changes);
            at = end + 1;
        }
    }

    private static void entry(String s, int from, int to, Consumer<Change> changes) {
        if (to - from < 1) {
            changes.accept(Change.RESET);
            return;
        }
        char code = s.charAt(from);
        long[] numbers = new long[3];
        int count = 0;
        int at = from + 1;
        while (at < to) {
            if (s.charAt(at) != ',' || count == 3) {
                changes.accept(Change.RESET);
                return;
            }
            int start = ++at;
            while (at < to && s.charAt(at) != ',') {
                at++;
            }
            try {
                numbers[count++] = Long.parseLong(s, start, at, 10);
            } catch (NumberFormatException e) {
                changes.accept(Change.RESET);
                return;
            }
        }
        Kind kind = Kind.of(code);
        changes.accept(kind == null || kind == Kind.RESET ? Change.RESET : new Change(kind, numbers[0], numbers[1], numbers[2]));
    }
}
