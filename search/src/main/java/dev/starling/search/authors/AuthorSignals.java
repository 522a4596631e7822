package dev.starling.search.authors;

import java.util.Arrays;
import java.util.Map;

/**
 * The author signal of the Top order: a bounded, log-damped boost for authors with an audience,
 * held back for new accounts,
 * <pre>
 * factor = 1 + {@value #MAX_BOOST} * min(1, ln(1 + followers) / ln(1 + {@value #FOLLOWERS_AT_FULL}))
 *            * min(1, accountAgeDays / {@value #AGE_DAYS_AT_FULL})
 * </pre>
 * so it lies in [1, 1 + {@value #MAX_BOOST}]: an author with no followers, or an account created
 * today, gets 1 (no boost); 10,000 followers on an account at least 30 days old gets the whole
 * boost, and a million followers get no more than that. The logarithm keeps the first hundred
 * followers worth about half the boost (a small community's regulars still count); the cap keeps
 * a famous author's weak match from burying a strong match by anyone else (BM25 differences
 * between a good and a poor match are far larger than 20%); the age ramp keeps a freshly made
 * account with bought followers from gaining the boost on its first day.
 *
 * <p>An immutable snapshot (sorted ids, binary search; no boxing per scored document).
 */
public final class AuthorSignals {

    public static final double MAX_BOOST = 0.2;
    public static final long FOLLOWERS_AT_FULL = 10_000;
    public static final double AGE_DAYS_AT_FULL = 30;
    /** No author signal (every factor 1). */
    public static final AuthorSignals NONE = new AuthorSignals(new long[0], new float[0]);

    /** What the signal reads of one account. */
    public record AuthorStats(long followers, long accountCreatedMillis) {
    }

    private final long[] ids;      // [authors] sorted ascending
    private final float[] factors; // [authors]

    private AuthorSignals(long[] ids, float[] factors) {
        this.ids = ids;
        this.factors = factors;
    }

    /** A snapshot for the given authors as of {@code nowMillis}; an author not given gets factor 1. */
    public static AuthorSignals of(Map<Long, AuthorStats> stats, long nowMillis) {
        long[] ids = stats.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        float[] f = new float[ids.length];
        for (int i = 0; i < ids.length; i++) {
            AuthorStats s = stats.get(ids[i]);
            f[i] = (float) factor(s.followers(), (nowMillis - s.accountCreatedMillis()) / 86_400_000.0);
        }
        return new AuthorSignals(ids, f);
    }

    /** The formula above; negative inputs count as 0. */
    public static double factor(long followers, double accountAgeDays) {
        double audience = Math.min(1, Math.log1p(Math.max(0, followers)) / Math.log1p(FOLLOWERS_AT_FULL));
        double age = Math.min(1, Math.max(0, accountAgeDays) / AGE_DAYS_AT_FULL);
        return 1 + MAX_BOOST * audience * age;
    }

    /** The factor for {@code authorId} (1 when unknown). */
    public double factor(long authorId) {
        int i = Arrays.binarySearch(ids, authorId);
        return i >= 0 ? factors[i] : 1.0;
    }

    /** The largest factor of this snapshot (1 when it knows no author): a bound for pruning. */
    public double maxFactor() {
        double m = 1.0;
        for (float f : factors) {
            m = Math.max(m, f);
        }
        return m;
    }

    /** Number of authors with a known factor. */
    public int size() {
        return ids.length;
    }
}
