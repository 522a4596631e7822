package dev.starling.app.loadbench;

/**
 * Sizes of a seeded benchmark network. {@code meanFollows} is the mean out-degree (log-normal, so
 * some accounts follow few and some many; followees are chosen half by popularity, Zipf, and
 * half uniformly). Posts are spread uniformly over the last {@code days} days (ending an hour
 * ago), their authors again half by a Zipf activity rank and half uniformly.
 *
 * @param tokens    how many accounts (a random sample) get an OAuth bearer token
 * @param outbox    write the outbox rows social writes with each change (account.created,
 *                  follow.created, post.created), as if the network had been built through its API
 */
public record SeedConfig(int accounts, int meanFollows, long posts, int tokens, int days, long seed, boolean outbox) {
    public static final int MAX_ACCOUNTS = 1_000_000;
    public static final int MAX_MEAN_FOLLOWS = 5_000;
    public static final long MAX_POSTS = 100_000_000L;
    public static final int MAX_DAYS = 3650;
    /** accounts x mean follows at most this (the seeder holds the follow list in memory, 16 bytes each). */
    public static final long MAX_FOLLOWS = 20_000_000L;

    public SeedConfig {
        if (accounts < 2 || accounts > MAX_ACCOUNTS) {
            throw new IllegalArgumentException("accounts must be 2.." + MAX_ACCOUNTS + ", was " + accounts);
        }
        if (meanFollows < 0 || meanFollows > MAX_MEAN_FOLLOWS || meanFollows > accounts - 1) {
            throw new IllegalArgumentException("mean follows must be 0.." + Math.min(MAX_MEAN_FOLLOWS, accounts - 1) + ", was " + meanFollows);
        }
        if ((long) accounts * meanFollows > MAX_FOLLOWS) {
            throw new IllegalArgumentException("accounts x mean follows must be at most " + MAX_FOLLOWS + ", was " + (long) accounts * meanFollows);
        }
        if (posts < 0 || posts > MAX_POSTS) {
            throw new IllegalArgumentException("posts must be 0.." + MAX_POSTS + ", was " + posts);
        }
        if (tokens < 0 || tokens > accounts) {
            throw new IllegalArgumentException("tokens must be 0..accounts (" + accounts + "), was " + tokens);
        }
        if (days < 1 || days > MAX_DAYS) {
            throw new IllegalArgumentException("days must be 1.." + MAX_DAYS + ", was " + days);
        }
    }

    /** The sizes: 10,000 accounts, ~100 follows each, 1,000,000 posts, 1,000 tokens. */
    public static SeedConfig full() {
        return new SeedConfig(10_000, 100, 1_000_000, 1_000, 30, 42, true);
    }

    /** The quick mode: 1,000 accounts, ~100 follows each, 100,000 posts, 500 tokens. */
    public static SeedConfig quick() {
        return new SeedConfig(1_000, 100, 100_000, 500, 30, 42, true);
    }
}
