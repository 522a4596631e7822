package dev.starling.social.corpus;

import java.time.Instant;

/**
 * One post of the training corpus: only the author's own text ({@code text}; a quote's text is the
 * quoting author's words, the quoted post is never joined in). {@code language} may be null.
 */
public record CorpusPost(long id, long authorId, Instant createdAt, String language, String text) {
}
