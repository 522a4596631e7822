package dev.starling.social.corpus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What went into a training corpus, for the model card: when the snapshot was taken, and how many
 * posts and accounts were included and excluded, by reason. Every reason is present (zero when
 * none), and {@link #postsInSnapshot()} = included + all exclusions (likewise for accounts).
 *
 * @param rulesVersion    {@link TrainingCorpus#RULES_VERSION}: which selection rules built it
 * @param snapshotAt      the database time at which the snapshot was taken
 * @param postsIncluded   posts in the corpus
 * @param postsExcluded   posts in the database but not in the corpus, by first applicable reason
 * @param accountsIncluded accounts with at least one post in the corpus
 * @param accountsExcluded accounts with none, by first applicable reason
 * @param postsDeleted    original posts (not reposts) of any visibility deleted before the snapshot,
 *                        as recorded by the outbox's {@code post.deleted} events: a delete removes
 *                        the row, so these are not among the posts counted above and can never be
 *                        in a corpus (a lower bound if the outbox is ever pruned)
 */
public record CorpusManifest(int rulesVersion, Instant snapshotAt, long postsIncluded, Map<PostExclusion, Long> postsExcluded,
                             long accountsIncluded, Map<AccountExclusion, Long> accountsExcluded, long postsDeleted) {

    public CorpusManifest {
        Objects.requireNonNull(snapshotAt, "snapshotAt");
        postsExcluded = complete(PostExclusion.class, postsExcluded);
        accountsExcluded = complete(AccountExclusion.class, accountsExcluded);
    }

    private static <E extends Enum<E>> Map<E, Long> complete(Class<E> type, Map<E, Long> counts) {
        EnumMap<E, Long> all = new EnumMap<>(type);
        for (E e : type.getEnumConstants()) {
            all.put(e, counts.getOrDefault(e, 0L));
        }
        return Collections.unmodifiableMap(all);
    }

    public long postsExcluded(PostExclusion reason) {
        return postsExcluded.get(reason);
    }

    public long accountsExcluded(AccountExclusion reason) {
        return accountsExcluded.get(reason);
    }

    /** Posts stored in the database at the snapshot (deleted posts are gone and not counted). */
    public long postsInSnapshot() {
        return postsIncluded + postsExcluded.values().stream().mapToLong(Long::longValue).sum();
    }

    public long accountsInSnapshot() {
        return accountsIncluded + accountsExcluded.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The manifest as ordered, JSON-ready values (reason names in lower case). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rules_version", rulesVersion);
        m.put("snapshot_at", snapshotAt.toString());
        m.put("posts_included", postsIncluded);
        Map<String, Long> pe = new LinkedHashMap<>();
        postsExcluded.forEach((k, v) -> pe.put(k.name().toLowerCase(java.util.Locale.ROOT), v));
        m.put("posts_excluded", pe);
        m.put("accounts_included", accountsIncluded);
        Map<String, Long> ae = new LinkedHashMap<>();
        accountsExcluded.forEach((k, v) -> ae.put(k.name().toLowerCase(java.util.Locale.ROOT), v));
        m.put("accounts_excluded", ae);
        m.put("posts_deleted", postsDeleted);
        return m;
    }

    /** {@link #toMap()} as a JSON object (for model cards). */
    public String toJson() {
        try {
            return new ObjectMapper().writeValueAsString(toMap());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers always serialises", e);
        }
    }
}
