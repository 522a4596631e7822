package dev.starling.server.web.posts;

import dev.starling.social.accounts.Account;
import dev.starling.social.posts.Post;

/**
 * Says what a post card must tell about where a post came from, e.g. "AI-generated reply by the
 * assistant" (registered by {@link dev.starling.server.web.ai.AssistantMarks} with
 * {@link dev.starling.server.web.Web#addPostMarker}). Called for every card built by
 * {@link PostCards#PostCards(dev.starling.server.web.Web)}, so it must be cheap for posts it has
 * nothing to say about (decide by {@code author.id()} first).
 */
@FunctionalInterface
public interface PostMarker {
    /** The mark to show on the card of {@code post} by {@code author}, or null for none. */
    String mark(Account author, Post post);
}
