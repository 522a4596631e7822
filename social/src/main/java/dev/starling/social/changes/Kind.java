package dev.starling.social.changes;

/**
 * What changed, as the triggers of migration V6 announce it. The meaning of a {@link Change}'s
 * three numbers depends on the kind; unused numbers are 0.
 */
public enum Kind {
    /** A follow was inserted or deleted: first = follower, second = followee. */
    FOLLOW('F'),
    /** A block was inserted or deleted: first = blocking account, second = target. */
    BLOCK('B'),
    /** A mute was inserted, updated or deleted: first = muting account, second = target. */
    MUTE('M'),
    /** A post (or repost) was inserted: first = post id, second = author, third = reposted post id or 0. */
    POST_CREATED('P'),
    /** A post row changed (e.g. its visibility): numbers as {@link #POST_CREATED}; when only its mentions changed, the author and reposted post are 0. */
    POST_CHANGED('C'),
    /** A post was deleted: numbers as {@link #POST_CREATED}. */
    POST_DELETED('D'),
    /** A favourite was inserted or deleted: first = account, second = post. */
    FAVOURITE('V'),
    /** A bookmark was inserted or deleted: first = account, second = post. */
    BOOKMARK('K'),
    /** An account row or its counters changed, or it was deleted: first = account. */
    ACCOUNT('A'),
    /** A post's counters (replies, reposts, favourites) changed: first = post. */
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
