package dev.starling.social.timelines;

/**
 * Filters of Mastodon's account statuses: {@code excludeReplies} drops replies to others (self-replies
 * stay, as Mastodon), {@code excludeReblogs} drops reposts, {@code onlyMedia} keeps posts with media
 * (Starling has no media attachments yet, so it yields nothing), {@code tagged} keeps posts with that
 * hashtag (null: any).
 */
public record AccountFilter(boolean excludeReplies, boolean excludeReblogs, boolean onlyMedia, String tagged) {

    public static final AccountFilter NONE = new AccountFilter(false, false, false, null);
}
