package dev.starling.social.relationships;

/**
 * Mastodon's Relationship entity between the asking account and {@code targetId}:
 * following (accepted), followedBy, blocking, blockedBy, muting, mutingNotifications,
 * requested (a pending follow request from the asker), requestedBy (from the target).
 * Fields Starling does not model (showing_reblogs true, notifying false, endorsed false,
 * domain_blocking false, note "") are constant for the server to fill in.
 */
public record Relationship(long targetId, boolean following, boolean followedBy, boolean blocking, boolean blockedBy,
                           boolean muting, boolean mutingNotifications, boolean requested, boolean requestedBy) {
}
