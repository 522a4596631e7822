package dev.starling.search.index;

/**
 * The index on disk was written with another format version or embedder than this build uses. The index
 * is derived data: {@link #deleteFiles} plus {@link Rebuild} recreate it from the database.
 */
public final class IndexMismatchException extends IllegalStateException {
    public IndexMismatchException(String message) {
        super(message);
    }
}
