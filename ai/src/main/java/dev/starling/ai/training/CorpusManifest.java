package dev.starling.ai.training;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What went into a training corpus and what was left out, by reason.
 *
 * @param source                   where the posts came from, e.g. "file corpus.txt" or "database"
 * @param snapshotTime             when the corpus was read
 * @param postsIncluded            posts in the corpus
 * @param accountsIncluded         accounts with at least one post in it, or -1 when unknown (a file)
 * @param postsExcludedByReason    e.g. {"not consenting": 12, "followers-only": 3, "empty": 1}
 * @param accountsExcludedByReason e.g. {"not consenting": 2}
 */
public record CorpusManifest(String source, Instant snapshotTime, long postsIncluded, long accountsIncluded,
        Map<String, Long> postsExcludedByReason, Map<String, Long> accountsExcludedByReason) {

    public CorpusManifest {
        postsExcludedByReason = Collections.unmodifiableMap(new LinkedHashMap<>(postsExcludedByReason));
        accountsExcludedByReason = Collections.unmodifiableMap(new LinkedHashMap<>(accountsExcludedByReason));
    }

    public long postsExcluded() {
        return postsExcludedByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    /** "12 not consenting, 3 followers-only", or "none". */
    public String describeExclusions() {
        if (postsExcludedByReason.isEmpty() || postsExcluded() == 0) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        postsExcludedByReason.forEach((reason, n) -> {
            if (n > 0) {
                sb.append(sb.isEmpty() ? "" : ", ").append(n).append(' ').append(reason);
            }
        });
        return sb.toString();
    }
}
