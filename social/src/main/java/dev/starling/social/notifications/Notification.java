package dev.starling.social.notifications;

import java.time.Instant;

/**
 * A notification for {@code accountId} caused by {@code fromAccountId}. {@code postId} is null for
 * follow and follow_request; for mention it is the mentioning post (or reply); for favourite the
 * favourited post; for reblog it is the repost row (render its original as Mastodon's
 * {@code status}; the notification disappears when the repost is undone).
 */
public record Notification(long id, NotificationType type, long accountId, long fromAccountId, Long postId, Instant createdAt) {
}
