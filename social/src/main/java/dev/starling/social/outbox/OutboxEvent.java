package dev.starling.social.outbox;

import java.time.Instant;

/**
 * One domain event. {@code position} orders events for consumers (dense, increasing, in commit
 * order); {@code aggregateId} is the post id for post.* and favourite.* events, the account id for
 * account.*, the target account id for follow.* and block.*; {@code accountId} is the acting account.
 * {@code payloadJson} is a JSON object with event-specific fields (e.g. {@code visibility},
 * {@code post_id}, {@code reblog_of_id}).
 */
public record OutboxEvent(long position, EventType type, long aggregateId, Long accountId, String payloadJson, Instant createdAt) {
}
