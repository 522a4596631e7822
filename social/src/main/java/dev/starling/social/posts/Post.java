package dev.starling.social.posts;

import java.time.Instant;
import java.util.Objects;

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

    /**
     * Written out (the record's generated equality goes through method handles that a deep key, such as
     * the status JSON cache's, nests past the JIT's inlining depth): every component, cheap ones first.
     * PostRecordsEqualityTest holds it to the record's components.
     */
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof Post p && id == p.id && authorId == p.authorId && sensitive == p.sensitive
                && visibility == p.visibility && Objects.equals(inReplyToId, p.inReplyToId)
                && Objects.equals(inReplyToAccountId, p.inReplyToAccountId) && Objects.equals(threadRootId, p.threadRootId)
                && Objects.equals(reblogOfId, p.reblogOfId) && Objects.equals(quoteOfId, p.quoteOfId)
                && Objects.equals(createdAt, p.createdAt) && Objects.equals(editedAt, p.editedAt)
                && Objects.equals(language, p.language) && Objects.equals(spoilerText, p.spoilerText)
                && Objects.equals(text, p.text) && Objects.equals(entities, p.entities);
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(id);
        h = 31 * h + Long.hashCode(authorId);
        h = 31 * h + Boolean.hashCode(sensitive);
        h = 31 * h + Objects.hashCode(visibility);
        h = 31 * h + Objects.hashCode(inReplyToId);
        h = 31 * h + Objects.hashCode(inReplyToAccountId);
        h = 31 * h + Objects.hashCode(threadRootId);
        h = 31 * h + Objects.hashCode(reblogOfId);
        h = 31 * h + Objects.hashCode(quoteOfId);
        h = 31 * h + Objects.hashCode(createdAt);
        h = 31 * h + Objects.hashCode(editedAt);
        h = 31 * h + Objects.hashCode(language);
        h = 31 * h + Objects.hashCode(spoilerText);
        h = 31 * h + Objects.hashCode(text);
        return 31 * h + Objects.hashCode(entities);
    }
}
