package dev.starling.social.changes;

/**
 * Receives committed changes, in commit order, on the {@link ChangeFeed}'s own thread. It must be
 * quick and must not touch the database (it would delay every other listener and the feed's sync).
 * A listener that throws is treated as having lost track: every listener then gets a
 * {@link Change#RESET}.
 */
@FunctionalInterface
public interface ChangeListener {
    void onChange(Change change);
}
