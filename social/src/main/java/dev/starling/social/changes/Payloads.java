package dev.starling.social.changes;

import java.util.function.Consumer;

/**
 * Reads the payloads of channel {@value ChangeFeed#CHANNEL}: entries {@code K,a,b,c} separated by
 * {@code ;} (migration V6), plus the feed's own sync markers {@code Y,feed,token}. An entry that
 * does not parse (an unknown letter, a bad number, too many numbers) is reported as a reset: a
 * listener that cannot tell what changed must drop everything rather than miss a change.
 */
final class Payloads {

    /** What a sync marker carries: the feed that sent it and its token. */
    record Sync(long feedId, long token) {
    }

    private Payloads() {
    }

    /** Parses {@code payload}, giving each change and each sync marker to its consumer, in order. */
    static void parse(String payload, Consumer<Change> changes, Consumer<Sync> syncs) {
        int at = 0;
        int n = payload.length();
        while (at <= n) {
            int end = payload.indexOf(';', at);
            if (end < 0) {
                end = n;
            }
            entry(payload, at, end, changes, syncs);
            at = end + 1;
        }
    }

    private static void entry(String s, int from, int to, Consumer<Change> changes, Consumer<Sync> syncs) {
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
        if (code == 'Y') {
            if (count == 2) {
                syncs.accept(new Sync(numbers[0], numbers[1]));
            } else {
                changes.accept(Change.RESET);
            }
            return;
        }
        Kind kind = Kind.of(code);
        changes.accept(kind == null || kind == Kind.RESET ? Change.RESET : new Change(kind, numbers[0], numbers[1], numbers[2]));
    }
}
