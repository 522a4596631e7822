package dev.starling.ai.trends;

import java.time.Duration;
import java.time.Instant;

/**
 * The trend score, as pure functions. Mastodon's {@code Trends::Tags}/{@code Trends::Links} are the floor:
 * <ul>
 *   <li>{@code observed}: distinct accounts that used the item in the current window (the last
 *       {@link Settings#windowHours()} hours);</li>
 *   <li>{@code expected}: the MAX of the distinct accounts over the {@link Settings#historyWindows()} windows of the
 *       same length before it (Mastodon looks at yesterday only; the max over a week means a weekly rhythm, say a
 *       #FollowFriday, does not trend every week), and 1 when that is zero;</li>
 *   <li>{@code score = (observed - expected)^2 / expected}, and 0 when {@code observed < expected} or when fewer than
 *       {@link Settings#minAccounts()} distinct accounts used it (one account spamming a tag never trends);</li>
 *   <li>the highest score reached is remembered with its time (forgotten after {@link Settings#maxScoreCooldown()})
 *       and the item's current score is that maximum decayed by half every {@link Settings#halfLife()}; an item
 *       trends while the decayed score is at least {@link Settings#decayThreshold()}.</li>
 * </ul>
 * Trending posts ({@link #statusScore}) follow Mastodon's {@code Trends::Statuses}: reblogs plus favourites
 * (each from a distinct account) against an expectation of 1, decayed by the post's age.
 */
public final class TrendScoring {

    private TrendScoring() {
    }

    /** The knobs, with Mastodon's defaults where it has one. */
    public record Settings(int windowHours, int historyWindows, int minAccounts, Duration halfLife, Duration maxScoreCooldown,
                           double decayThreshold) {
        public Settings {
            if (windowHours < 1 || windowHours > 24 * 7) {
                throw new IllegalArgumentException("windowHours must be 1..168, was " + windowHours);
            }
            if (historyWindows < 1 || historyWindows > 30) {
                throw new IllegalArgumentException("historyWindows must be 1..30, was " + historyWindows);
            }
            if (minAccounts < 1) {
                throw new IllegalArgumentException("minAccounts must be at least 1, was " + minAccounts);
            }
            if (halfLife.isNegative() || halfLife.isZero() || maxScoreCooldown.isNegative()) {
                throw new IllegalArgumentException("halfLife must be positive and maxScoreCooldown not negative");
            }
            if (!(decayThreshold > 0)) {
                throw new IllegalArgumentException("decayThreshold must be positive, was " + decayThreshold);
            }
        }

        /** Tags and phrases: a day against the week before, 5 accounts, half-life 4 h, cooldown 2 days (Mastodon's tags). */
        public static Settings tags() {
            return new Settings(24, 7, 5, Duration.ofHours(4), Duration.ofDays(2), 1.0);
        }

        /** Links: as tags with a half-life of 8 h (Mastodon's links). */
        public static Settings links() {
            return new Settings(24, 7, 5, Duration.ofHours(8), Duration.ofDays(2), 1.0);
        }

        public Settings withMinAccounts(int n) {
            return new Settings(windowHours, historyWindows, n, halfLife, maxScoreCooldown, decayThreshold);
        }

        public Settings withWindowHours(int h) {
            return new Settings(h, historyWindows, minAccounts, halfLife, maxScoreCooldown, decayThreshold);
        }

        /** The history the counters must keep: the current window and the ones it is compared with. */
        public Duration retention() {
            return Duration.ofHours((long) windowHours * (historyWindows + 1));
        }
    }

    /** The most distinct accounts in any earlier window, or 1 when there were none. */
    public static double expected(int[] historyAccounts) {
        int max = 0;
        for (int a : historyAccounts) {
            if (a < 0) {
                throw new IllegalArgumentException("a count of accounts cannot be negative: " + a);
            }
            max = Math.max(max, a);
        }
        return max == 0 ? 1.0 : max;
    }

    /** {@code (observed - expected)^2 / expected}, or 0 below {@code minAccounts} or below what was expected. */
    public static double score(int observedAccounts, double expected, int minAccounts) {
        if (!(expected > 0)) {
            throw new IllegalArgumentException("expected must be positive, was " + expected);
        }
        if (observedAccounts < minAccounts || observedAccounts < expected) {
            return 0.0;
        }
        double d = observedAccounts - expected;
        return d * d / expected;
    }

    /** {@code score * 0.5^(elapsed / halfLife)}; no decay for an instant in the future of {@code now}. */
    public static double decay(double score, Instant since, Instant now, Duration halfLife) {
        double elapsedMillis = Math.max(0, Duration.between(since, now).toMillis());
        return score * Math.pow(0.5, elapsedMillis / halfLife.toMillis());
    }

    /** The remembered highest score of an item and when it was reached. */
    public record Peak(double maxScore, Instant maxScoreAt) {
        public static final Peak NONE = new Peak(0.0, null);
    }

    /**
     * The peak after scoring {@code score} at {@code now}: a peak older than the cooldown is forgotten; a higher score
     * becomes the new peak.
     */
    public static Peak nextPeak(Peak previous, double score, Instant now, Duration cooldown) {
        Peak p = previous == null || previous.maxScoreAt() == null || previous.maxScoreAt().isBefore(now.minus(cooldown))
                ? Peak.NONE : previous;
        return score > p.maxScore() ? new Peak(score, now) : p;
    }

    /** The current (decayed) score of an item with {@code peak}; 0 when it has none. */
    public static double current(Peak peak, Instant now, Duration halfLife) {
        return peak.maxScoreAt() == null ? 0.0 : decay(peak.maxScore(), peak.maxScoreAt(), now, halfLife);
    }

    /** One scoring step for an item: the new peak and the decayed score to rank by. */
    public record Step(double rawScore, double expected, Peak peak, double score, boolean trending) {
    }

    public static Step step(int observedAccounts, int[] historyAccounts, Peak previous, Instant now, Settings s) {
        double expected = expected(historyAccounts);
        double raw = score(observedAccounts, expected, s.minAccounts());
        Peak peak = nextPeak(previous, raw, now, s.maxScoreCooldown());
        double current = current(peak, now, s.halfLife());
        return new Step(raw, expected, peak, current, current >= s.decayThreshold());
    }

    /** Mastodon's trending-post knobs: 5 interactions, half-life 2 h, threshold 0.3. */
    public record StatusSettings(int minInteractions, Duration halfLife, double decayThreshold, Duration maxAge) {
        public static StatusSettings defaults() {
            return new StatusSettings(5, Duration.ofHours(2), 0.3, Duration.ofDays(2));
        }
    }

    /**
     * A post's trend score: {@code ((interactions - 1)^2 / 1)} decayed by its age, with interactions = reblogs +
     * favourites (each from a distinct account); 0 below {@code minInteractions}.
     */
    public static double statusScore(long interactions, Instant createdAt, Instant now, StatusSettings s) {
        if (interactions < s.minInteractions() || interactions < 1) {
            return 0.0;
        }
        double d = interactions - 1.0;
        return decay(d * d, createdAt, now, s.halfLife());
    }
}
