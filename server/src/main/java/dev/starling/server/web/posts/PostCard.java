package dev.starling.server.web.posts;

import java.time.Instant;

/**
 * One post as {@code parts/post.jte} shows it. For a repost row, the card shows the original post
 * ({@code id}) with "reposted by" above it; element ids use {@code rowId} so that a post and a
 * repost of it on one page never share an id.
 *
 * @param contentHtml escaped, autolinked HTML of the text ({@link dev.starling.server.web.text.PostHtml})
 * @param visibility  Mastodon's name: public, unlisted, private, direct
 * @param links       extra links shown on the card ({@link PostLink}, e.g. "Explain this post")
 * @param authorBot   the author is an automated account (Mastodon's {@code bot}): the card shows a "Bot" badge
 * @param originMark  what the card must say about where the post came from, e.g. "AI-generated reply by the
 *                    assistant" ({@link PostMarker}), or null
 */
public record PostCard(
        long rowId,
        long id,
        String authorUsername,
        String authorName,
        String avatarUrl,
        String contentHtml,
        String spoilerText,
        String visibility,
        Instant createdAt,
        String createdAtText,
        Long inReplyToId,
        String inReplyToUsername,
        String repostedBy,
        PostCard quote,
        long replies,
        long reposts,
        long likes,
        boolean liked,
        boolean reposted,
        boolean bookmarked,
        boolean mine,
        boolean signedIn,
        boolean highlighted,
        java.util.List<PostLink> links,
        boolean authorBot,
        String originMark) {

    public PostCard {
        links = links == null ? java.util.List.of() : java.util.List.copyOf(links);
    }

    /** Reposts and quotes are offered for public and unlisted posts only, as Mastodon does. */
    public boolean shareable() {
        return "public".equals(visibility) || "unlisted".equals(visibility);
    }

    public String visibilityLabel() {
        return switch (visibility) {
            case "public" -> "Public";
            case "unlisted" -> "Unlisted";
            case "private" -> "Followers only";
            case "direct" -> "Mentioned people only";
            default -> visibility;
        };
    }

    /** The same card marked as the thread's focused post. */
    public PostCard highlight() {
        return new PostCard(rowId, id, authorUsername, authorName, avatarUrl, contentHtml, spoilerText, visibility, createdAt,
                createdAtText, inReplyToId, inReplyToUsername, repostedBy, quote, replies, reposts, likes, liked, reposted,
                bookmarked, mine, signedIn, true, links, authorBot, originMark);
    }
}
