package dev.starling.social.posts;

import java.util.List;

/**
 * Entities extracted from a post's text by twitter-text: hashtags (as written, without '#'),
 * mentions resolved to local accounts, URLs, cashtags (without '$'). Mentions of unknown
 * usernames are dropped. For replies the parent's author is a mention too (so that private and
 * direct replies reach them), as Mastodon clients prefix it.
 */
public record Entities(List<String> hashtags, List<Mention> mentions, List<String> urls, List<String> cashtags) {

    public Entities {
        hashtags = List.copyOf(hashtags);
        mentions = List.copyOf(mentions);
        urls = List.copyOf(urls);
        cashtags = List.copyOf(cashtags);
    }

    public static final Entities NONE = new Entities(List.of(), List.of(), List.of(), List.of());

    /** A mentioned local account. */
    public record Mention(long accountId, String username) {
    }

    public boolean mentions(long accountId) {
        for (Mention m : mentions) {
            if (m.accountId() == accountId) {
                return true;
            }
        }
        return false;
    }
}
