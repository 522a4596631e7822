package dev.starling.social.changes;

/**
 * What changed, as the triggers of migration V6 announce it. The meaning of a {@link Change}'s
 * three numbers depends on the kind; unused numbers are 0.
 */
public enum Kind {
    /**
     * A follow was inserted or deleted: first = follower, second = followee. It also changed both accounts'
     * counters (V2's triggers), which are not announced separately (migration V7).
     */
    FOLLOW('F'),
    /** A block was inserted or deleted: first = blocking account, second = target. */
    BLOCK('B'),
    /** A mute was inserted, updated or deleted: first = muting account, second = target. */
    MUTE('M'),
    /**
     * A post (or repost) was inserted: first = post id, second = author, third = reposted post id or 0. It also
     * changed the author's counters and the reposted post's, which are not announced separately (migration V7);
     * a reply's parent, whose replies_count it changed, comes as a {@link #POST_STATS} entry beside it.
     */
    POST_CREATED('P'),
    /** A post row changed (e.g. its visibility): numbers as {@link #POST_CREATED}; when only its mentions changed, the author and reposted post are 0. */
    POST_CHANGED('C'),
    /** A post was deleted: numbers, and the counters it changed, as {@link #POST_CREATED}. */
    POST_DELETED('D'),
    /** A favourite was inserted or deleted: first = account, second = post (whose counters it changed, not announced separately). */
    FAVOURITE('V'),
    /** A bookmark was inserted or deleted: first = account, second = post. */
    BOOKMARK('K'),
    /**
     * An account row changed or was deleted, or its counters were written other than by V2's triggers (those
     * changes follow from {@link #FOLLOW} and {@link #POST_CREATED}/{@link #POST_DELETED}): first = account.
     */
    ACCOUNT('A'),
    /**
     * A post's counters (replies, reposts, favourites) changed: first = post. Logged for a reply's parent beside
     * the reply's {@link #POST_CREATED} or {@link #POST_DELETED}, and for writes to post_stats other than V2's
     * triggers (repost and favourite counters follow from those changes' own entries).
     */
    POST_STATS('S'),
    /**
     * Anything may have changed: drop every cached state. Sent when the feed (re)connects (changes
     * made while it was not listening are unknown) and for bulk statements and loads.
     */
    RESET('R');

    private final char code;

    Kind(char code) {
        this.code = code;
    }

    /** The letter the triggers write. */
    public char code() {
        return code;
    }

    /** The kind written as {@code code}, or null when no kind has that letter. */
    static Kind of(char code) {
        for (Kind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        return null;
    }
}
