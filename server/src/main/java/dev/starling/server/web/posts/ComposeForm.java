package dev.starling.server.web.posts;

/**
 * The compose box's state: empty, or as submitted when the server refused it (with why).
 *
 * @param visibility Mastodon's name of the chosen visibility (public, unlisted, private, direct)
 * @param max        the server's weighted-length limit
 */
public record ComposeForm(String text, String spoilerText, String visibility, Long inReplyToId, Long quoteOfId, int max, String error) {

    /** An empty box for a new post, preselecting the author's default visibility (Mastodon's source.privacy). */
    public static ComposeForm empty(int max, dev.starling.social.posts.PostVisibility defaultVisibility) {
        return new ComposeForm("", "", defaultVisibility.mastodonName(), null, null, max, null);
    }

    public String label() {
        if (inReplyToId != null) return "Your reply";
        if (quoteOfId != null) return "Your comment on the quoted post";
        return "What's happening?";
    }
}
