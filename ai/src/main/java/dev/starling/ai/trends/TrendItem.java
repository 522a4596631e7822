package dev.starling.ai.trends;

import java.time.Instant;
import java.util.List;

/**
 * A trending tag, link or phrase as the lists show it: the decayed {@code score} it ranks by, the distinct
 * {@code accounts} and {@code uses} in the current window, and the per-day {@code history} (newest first, as Mastodon).
 */
public record TrendItem(TrendKind kind, String term, double score, int accounts, int uses, List<Day> history) {

    public TrendItem {
        history = List.copyOf(history);
    }

    /** One UTC day: distinct accounts and uses. */
    public record Day(Instant day, int accounts, int uses) {
    }
}
