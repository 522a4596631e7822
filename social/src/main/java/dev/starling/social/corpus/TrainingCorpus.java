package dev.starling.social.corpus;

import dev.starling.social.db.Database;
import dev.starling.social.db.DatabaseException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Consumer;

/**
 * The training corpus: the posts of the network that may train Starling's models, read from the
 * database (the source of truth) in one consistent snapshot.
 *
 * <p>The rules ({@link #RULES_VERSION} 1). A post is in the corpus when all of these hold; otherwise
 * the manifest counts it under the first {@link PostExclusion} that applies:
 * <ul>
 *   <li>it is an original post, not a repost (a repost's text is someone else's);</li>
 *   <li>its author consents to training ({@link dev.starling.social.consent.TrainingConsent}) at the
 *       snapshot, so a revocation takes effect in the next corpus;</li>
 *   <li>its author is not a bot (automated posts, and the assistant's own model output, would
 *       train the model on machine text);</li>
 *   <li>it is PUBLIC. Unlisted posts are excluded: unlisted is public-but-not-listed, a post its
 *       author chose to keep out of public timelines and discovery, and the rule is
 *       "public posts of consenting accounts only", so training, the widest reuse of all, takes
 *       the narrower reading. Followers-only and direct posts are never included;</li>
 *   <li>it has text besides blanks.</li>
 * </ul>
 * Deleted posts are hard-deleted (the row is gone), so they cannot appear in any later corpus; the
 * manifest counts the deletions separately ({@link CorpusManifest#postsDeleted()}).
 * A quote contributes only the quoting author's own text (the text column never contains the
 * quoted post, which is not joined in). A public reply is included on its own terms, whatever
 * the visibility of the post it answers. Content warnings ({@code spoiler_text}) and sensitive
 * flags do not exclude a post; only {@code text} is used. Imported posts are the author's own
 * and follow the same rules. Starling has no suspension or moderation state for accounts yet;
 * when one is added, its accounts must be excluded here (and a reason added).
 *
 * <pre>{@code
 * try (CorpusSnapshot s = social.trainingCorpus().open()) {
 *     CorpusManifest m = s.manifest();               // for the model card
 *     TrainValidationSplit split = TrainValidationSplit.ofFraction(0.05);
 *     try (Stream<CorpusPost> posts = s.posts()) {   // id order, bounded fetch size
 *         posts.forEach(p -> (split.isValidation(p.id()) ? val : train).add(p.text()));
 *     }
 * }
 * }</pre>
 */
public final class TrainingCorpus {

    /** Version of the selection rules above; recorded in every {@link CorpusManifest}. */
    public static final int RULES_VERSION = 1;
    public static final int DEFAULT_FETCH_SIZE = 1_000;
    public static final int MAX_FETCH_SIZE = 100_000;

    private final Database db;

    public TrainingCorpus(Database db) {
        this.db = db;
    }

    /** A snapshot with {@link #DEFAULT_FETCH_SIZE} rows per round trip. Close it. */
    public CorpusSnapshot open() {
        return open(DEFAULT_FETCH_SIZE);
    }

    /** A snapshot reading {@code fetchSize} (1..{@value #MAX_FETCH_SIZE}) rows per round trip. Close it. */
    public CorpusSnapshot open(int fetchSize) {
        if (fetchSize < 1 || fetchSize > MAX_FETCH_SIZE) {
            throw new IllegalArgumentException("fetchSize must be 1.." + MAX_FETCH_SIZE + ", was " + fetchSize);
        }
        Connection c;
        try {
            c = db.dataSource().getConnection();
        } catch (SQLException e) {
            throw new DatabaseException("could not open a connection for the corpus snapshot", e);
        }
        try {
            return new CorpusSnapshot(c, fetchSize);
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
                c.setAutoCommit(true);
                c.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e instanceof SQLException s ? new DatabaseException("could not start the corpus snapshot", s) : (RuntimeException) e;
        }
    }

    /** The manifest alone (counts), from a fresh snapshot. */
    public CorpusManifest manifest() {
        try (CorpusSnapshot s = open()) {
            return s.manifest();
        }
    }

    /**
     * Streams the whole corpus to {@code sink} in id order from one snapshot and returns its
     * manifest. Checks that the number of posts streamed equals the manifest's count (the two
     * queries implement the same rules; a difference is a bug and throws IllegalStateException).
     */
    public CorpusManifest forEach(Consumer<? super CorpusPost> sink) {
        try (CorpusSnapshot s = open()) {
            CorpusManifest m = s.manifest();
            long[] n = {0};
            try (var posts = s.posts()) {
                posts.forEach(p -> {
                    n[0]++;
                    sink.accept(p);
                });
            }
            if (n[0] != m.postsIncluded()) {
                throw new IllegalStateException("streamed " + n[0] + " corpus posts but the manifest counted " + m.postsIncluded());
            }
            return m;
        }
    }
}
