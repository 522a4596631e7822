package dev.starling.social.posts;

import java.time.Instant;

/**
 * A post (Mastodon "status") row. A repost (reblog) is a post with {@code reblogOfId} set, empty
 * text and no entities; it is visible exactly when its original is (and the viewer and the
 * reposter do not block each other). {@code threadRootId} is null for a thread's root.
 */
public record Post(
        long id,
        long authorId,
        String text,
        PostVisibility visibility,
        Long inReplyToId,
        Long inReplyToAccountId,
        Long threadRootId,
        Long reblogOfId,
        Long quoteOfId,
        String language,
        boolean sensitive,
        String spoilerText,
        Entities entities,
        Instant createdAt,
        Instant editedAt) {

    public boolean isReblog() {
        return reblogOfId != null;
    }

    public boolean isReply() {
        return inReplyToId != null;
    }
}
