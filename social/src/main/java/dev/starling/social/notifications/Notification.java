package dev.starling.social.notifications;

import java.time.Instant;

/** A notification for {@code accountId} caused by {@code fromAccountId}; {@code postId} is null for follow and follow_request. */
public record Notification(long id, NotificationType type, long accountId, long fromAccountId, Long postId, Instant createdAt) {
}
