package dev.starling.social.posts;

/**
 * The process's log of recently written posts (author id, post id), newest last: the fan-out
 * source of the in-process home feeds ({@code dev.starling.social.timelines.HomeFeeds}). Every
 * post and repost that {@link PostWriter} inserts is appended, inside the writer's transaction and
 * before it commits, so that no committed post can be missing from the log; an entry whose
 * transaction rolled back, or that belongs to another database in the same JVM (tests), is only a
 * candidate id that the feed's read drops (the read applies the home rule and the visibility rule
 * in SQL).
 *
 * <p>A ring of {@value #CAPACITY} entries: a reader that fell more than that behind is told so
 * ({@link #copySince} returns -1) and rebuilds from the database. Positions count appends since the
 * start of the process.
 */
public final class RecentPosts {

    /**
     * Entries kept (24 bytes each, about 6 MB). While the change feed is live, a post written here
     * is logged twice (by PostWriter before its commit and by its POST_CREATED change after), so the
     * log covers about 130,000 posts.
     */
    public static final int CAPACITY = 1 << 18;

    private static final long[] AUTHORS = new long[CAPACITY];
    private static final long[] IDS = new long[CAPACITY];
    private static final long[] APPENDED_NANOS = new long[CAPACITY];
    private static long appended;

    private RecentPosts() {
    }

    /** Logs a post (or repost) by {@code authorId}. */
    public static synchronized void append(long authorId, long postId) {
        int i = (int) (appended & (CAPACITY - 1));
        AUTHORS[i] = authorId;
        IDS[i] = postId;
        APPENDED_NANOS[i] = System.nanoTime();
        appended++;
    }

    /** The position after the newest entry (entries appended so far). */
    public static synchronized long position() {
        return appended;
    }

    /** The position of the oldest entry still kept. */
    public static synchronized long oldest() {
        return Math.max(0, appended - CAPACITY);
    }

    /**
     * The position of the oldest entry kept that was appended at or after {@code nanoTime}
     * ({@link System#nanoTime}), or {@link #position()} when there is none.
     */
    public static synchronized long positionSince(long nanoTime) {
        long lo = Math.max(0, appended - CAPACITY);
        long hi = appended;
        while (lo < hi) { // appends are in time order: binary search
            long mid = (lo + hi) >>> 1;
            if (APPENDED_NANOS[(int) (mid & (CAPACITY - 1))] - nanoTime < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Receives log entries; called while the log is locked, so it must be quick and must not write posts. */
    @FunctionalInterface
    public interface Sink {
        void accept(long authorId, long postId);
    }

    /**
     * Hands the entries from position {@code from} up to the newest to {@code sink}, oldest first, and
     * returns the position after the last one, or -1 (and hands over nothing) when entries from
     * {@code from} on are no longer kept.
     */
    public static synchronized long forEachSince(long from, Sink sink) {
        if (from < appended - CAPACITY) {
            return -1;
        }
        for (long p = Math.max(0, from); p < appended; p++) {
            int i = (int) (p & (CAPACITY - 1));
            sink.accept(AUTHORS[i], IDS[i]);
        }
        return appended;
    }
}
