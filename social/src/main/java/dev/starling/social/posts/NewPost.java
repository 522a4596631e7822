package dev.starling.social.posts;

/**
 * A post to create. {@code visibility} null means PUBLIC; {@code inReplyToId}/{@code quoteOfId}
 * null when none; {@code spoilerText} null means none; {@code language} an ISO 639 code or null.
 */
public record NewPost(String text, PostVisibility visibility, Long inReplyToId, Long quoteOfId, String language,
                      boolean sensitive, String spoilerText) {

    public static NewPost of(String text) {
        return new NewPost(text, PostVisibility.PUBLIC, null, null, null, false, null);
    }

    public static NewPost of(String text, PostVisibility visibility) {
        return new NewPost(text, visibility, null, null, null, false, null);
    }

    public NewPost replyTo(long postId) {
        return new NewPost(text, visibility, postId, quoteOfId, language, sensitive, spoilerText);
    }

    public NewPost quoting(long postId) {
        return new NewPost(text, visibility, inReplyToId, postId, language, sensitive, spoilerText);
    }

    public NewPost withVisibility(PostVisibility v) {
        return new NewPost(text, v, inReplyToId, quoteOfId, language, sensitive, spoilerText);
    }

    public NewPost withSpoiler(String spoiler) {
        return new NewPost(text, visibility, inReplyToId, quoteOfId, language, true, spoiler);
    }

    public NewPost withLanguage(String lang) {
        return new NewPost(text, visibility, inReplyToId, quoteOfId, lang, sensitive, spoilerText);
    }
}
