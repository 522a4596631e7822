package dev.starling.social.visibility;

/**
 * What {@link Visibility#canSee} asks about who is looking: the account id (null for an anonymous
 * visitor), whether it follows an account (accepted follows only) and whether it and an account block
 * each other (either way). Implemented by {@link Viewer} (sets, loaded per call) and by
 * {@link ViewerCache.Entry} (sorted arrays, cached and kept current from the change feed).
 */
public interface ViewerRelations {

    /** The viewer's account id, or null for an anonymous visitor. */
    Long accountId();

    /** The viewer follows {@code accountId} (an accepted follow, not a pending request). */
    boolean follows(long accountId);

    /** The viewer blocks {@code accountId} or is blocked by it. */
    boolean blocksEitherWay(long accountId);

    /** The viewer is the account {@code id}. */
    default boolean is(long id) {
        Long me = accountId();
        return me != null && me == id;
    }
}
