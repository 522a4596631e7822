package dev.starling.ai.trends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The trend scoring tests: every expected value below is computed by hand in the comment beside it. */
class TrendScoringTest {

    private static final Instant T0 = Instant.parse("2026-11-20T12:00:00Z");
    private static final double EPS = 1e-9;

    @Test
    void expectedIsTheMaxOfTheHistoryAndOneWhenEmpty() {
        assertEquals(1.0, TrendScoring.expected(new int[] {0, 0, 0}), EPS);
        assertEquals(1.0, TrendScoring.expected(new int[0]), EPS);
        assertEquals(7.0, TrendScoring.expected(new int[] {3, 7, 2, 0}), EPS);
        assertThrows(IllegalArgumentException.class, () -> TrendScoring.expected(new int[] {-1}));
    }

    @Test
    void scoreIsSquaredExcessOverExpected() {
        // (10 - 2)^2 / 2 = 64 / 2 = 32
        assertEquals(32.0, TrendScoring.score(10, 2.0, 5), EPS);
        // (5 - 1)^2 / 1 = 16: exactly the minimum of 5 accounts counts
        assertEquals(16.0, TrendScoring.score(5, 1.0, 5), EPS);
        // (25 - 4)^2 / 4 = 441 / 4 = 110.25
        assertEquals(110.25, TrendScoring.score(25, 4.0, 5), EPS);
        // equal to expected: (7 - 7)^2 / 7 = 0
        assertEquals(0.0, TrendScoring.score(7, 7.0, 5), EPS);
    }

    @Test
    void belowMinimumAccountsOrBelowExpectedScoresZero() {
        assertEquals(0.0, TrendScoring.score(4, 1.0, 5), EPS, "4 accounts < 5: one account's spam or a tiny group never trends");
        assertEquals(0.0, TrendScoring.score(1, 1.0, 5), EPS);
        assertEquals(0.0, TrendScoring.score(6, 7.0, 5), EPS, "fewer than last week's best day");
        assertThrows(IllegalArgumentException.class, () -> TrendScoring.score(6, 0.0, 5));
    }

    @Test
    void decayHalvesEveryHalfLife() {
        Duration h4 = Duration.ofHours(4);
        assertEquals(32.0, TrendScoring.decay(32, T0, T0, h4), EPS);
        assertEquals(16.0, TrendScoring.decay(32, T0, T0.plus(h4), h4), EPS);
        assertEquals(8.0, TrendScoring.decay(32, T0, T0.plusSeconds(8 * 3600), h4), EPS);
        // 2 h of a 4 h half-life: 32 * 2^-0.5 = 22.62741699796952
        assertEquals(22.62741699796952, TrendScoring.decay(32, T0, T0.plusSeconds(2 * 3600), h4), 1e-9);
        // a peak "in the future" (clock skew) does not grow
        assertEquals(32.0, TrendScoring.decay(32, T0.plusSeconds(60), T0, h4), EPS);
    }

    @Test
    void peakIsRememberedUntilTheCooldownThenForgotten() {
        Duration cooldown = Duration.ofDays(2);
        TrendScoring.Peak p = new TrendScoring.Peak(20, T0);
        Instant t1 = T0.plusSeconds(3600);
        assertEquals(p, TrendScoring.nextPeak(p, 10, t1, cooldown), "a lower score keeps the older, higher peak");
        assertEquals(new TrendScoring.Peak(30, t1), TrendScoring.nextPeak(p, 30, t1, cooldown));
        Instant late = T0.plus(Duration.ofDays(3));
        assertEquals(new TrendScoring.Peak(5, late), TrendScoring.nextPeak(p, 5, late, cooldown), "past the cooldown the old peak is forgotten");
        TrendScoring.Peak none = TrendScoring.nextPeak(p, 0, late, cooldown);
        assertEquals(0.0, none.maxScore(), EPS);
        assertNull(none.maxScoreAt());
        assertEquals(0.0, TrendScoring.current(none, late, Duration.ofHours(4)), EPS);
    }

    @Test
    void stepCombinesExpectedScorePeakAndDecay() {
        TrendScoring.Settings s = TrendScoring.Settings.tags();
        // observed 12, expected max(2,3,1,0,...) = 3: (12 - 3)^2 / 3 = 81 / 3 = 27
        TrendScoring.Step now = TrendScoring.step(12, new int[] {2, 3, 1, 0, 0, 0, 0}, TrendScoring.Peak.NONE, T0, s);
        assertEquals(3.0, now.expected(), EPS);
        assertEquals(27.0, now.rawScore(), EPS);
        assertEquals(27.0, now.score(), EPS);
        assertTrue(now.trending());
        // 8 hours later with no new accounts: peak 27 decays by 2 half-lives to 6.75, still trending (>= 1)
        Instant later = T0.plusSeconds(8 * 3600);
        TrendScoring.Step quiet = TrendScoring.step(0, new int[] {12, 2, 3, 1, 0, 0, 0}, now.peak(), later, s);
        assertEquals(0.0, quiet.rawScore(), EPS);
        assertEquals(6.75, quiet.score(), EPS);
        assertTrue(quiet.trending());
        // 24 hours after the peak: 27 * 2^-6 = 0.421875 < 1: no longer trending
        TrendScoring.Step gone = TrendScoring.step(0, new int[] {12, 2, 3, 1, 0, 0, 0}, now.peak(), T0.plusSeconds(24 * 3600), s);
        assertEquals(0.421875, gone.score(), EPS);
        assertFalse(gone.trending());
    }

    @Test
    void statusScoreDecaysWithTheAgeOfThePost() {
        TrendScoring.StatusSettings s = TrendScoring.StatusSettings.defaults();
        // 6 interactions: (6 - 1)^2 = 25, 2 h old with a 2 h half-life: 12.5
        assertEquals(12.5, TrendScoring.statusScore(6, T0.minusSeconds(2 * 3600), T0, s), EPS);
        // brand new: 25
        assertEquals(25.0, TrendScoring.statusScore(6, T0, T0, s), EPS);
        assertEquals(0.0, TrendScoring.statusScore(4, T0, T0, s), EPS, "below 5 interactions");
    }

    @Test
    void settingsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> TrendScoring.Settings.tags().withWindowHours(0));
        assertThrows(IllegalArgumentException.class, () -> TrendScoring.Settings.tags().withMinAccounts(0));
        assertEquals(Duration.ofHours(24 * 8), TrendScoring.Settings.tags().retention());
    }
}
