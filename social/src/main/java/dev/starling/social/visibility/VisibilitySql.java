package dev.starling.social.visibility;

/**
 * The SQL twin of {@link Visibility#canSee}, for queries. Every fragment refers to a viewer
 * column {@code v.vid} (bigint, 0 for anonymous: no account has id 0), so queries start with
 * {@code FROM (SELECT ?::bigint AS vid) v, ...} and bind the viewer once.
 *
 * <p>{@link #canSee(String, String)} takes the alias of the post row and the alias of its original
 * (a {@code LEFT JOIN posts o ON o.id = p.reblog_of_id}).
 */
public final class VisibilitySql {

    private VisibilitySql() {
    }

    /** The viewer relation: bind the viewer id (or 0 for anonymous) as its one parameter. */
    public static final String VIEWER = "(SELECT ?::bigint AS vid) v";

    /** v.vid and the account {@code authorExpr} do not block each other, either way. */
    public static String notBlocked(String authorExpr) {
        return "(NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = v.vid AND b.target_id = " + authorExpr + ")"
                + " AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = " + authorExpr + " AND b.target_id = v.vid))";
    }

    /** The rule for a post that is not a repost, row alias {@code x}. */
    public static String canSeeOriginal(String x) {
        return "(" + x + ".author_id = v.vid OR (" + notBlocked(x + ".author_id") + " AND ("
                + x + ".visibility <= 1"
                + " OR (" + x + ".visibility = 2 AND EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = v.vid AND f.followee_id = " + x + ".author_id))"
                + " OR EXISTS (SELECT 1 FROM post_mentions m WHERE m.post_id = " + x + ".id AND m.account_id = v.vid))))";
    }

    /** The full rule for row {@code p} (repost or not) with its original joined as {@code o}. */
    public static String canSee(String p, String o) {
        return "((" + p + ".reblog_of_id IS NULL AND " + canSeeOriginal(p) + ") OR (" + p + ".reblog_of_id IS NOT NULL AND "
                + o + ".id IS NOT NULL AND (" + p + ".author_id = v.vid OR " + notBlocked(p + ".author_id") + ") AND "
                + canSeeOriginal(o) + "))";
    }

    /** Mutes: neither the author of {@code p} nor of its original {@code o} is muted by v.vid. */
    public static String notMuted(String p, String o) {
        return "NOT EXISTS (SELECT 1 FROM mutes mu WHERE mu.account_id = v.vid AND (mu.target_id = " + p
                + ".author_id OR mu.target_id = " + o + ".author_id))";
    }

    /** Binds "anonymous" as 0. */
    public static long viewerParam(Long viewerId) {
        return viewerId == null ? 0L : viewerId;
    }
}
