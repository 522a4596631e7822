package dev.starling.social.corpus;

/**
 * Why a post stored in the database is not in the training corpus. A post gets the FIRST reason
 * that applies, in declaration order, so the counts of a {@link CorpusManifest} add up to the
 * number of posts in the snapshot.
 *
 * <p>Deleted posts are not among these: a delete removes the row (hard delete), so nothing of a
 * deleted post is left to train on; {@link CorpusManifest#postsDeleted()} counts the deletions.
 */
public enum PostExclusion {
    /** A repost: its text is someone else's (the original is judged on its own). */
    REPOST,
    /** The author does not consent to training. */
    AUTHOR_NOT_CONSENTING,
    /** The author is a bot account (automated posts, including the assistant's own model output). */
    AUTHOR_BOT,
    /** Unlisted: public, but the author kept it off public timelines; treated as not public for training. */
    UNLISTED,
    /** Followers-only. */
    FOLLOWERS_ONLY,
    /** Direct (mentioned accounts only). */
    DIRECT,
    /** No text besides spaces, tabs and line breaks (e.g. imported media-only posts). */
    EMPTY_TEXT
}
