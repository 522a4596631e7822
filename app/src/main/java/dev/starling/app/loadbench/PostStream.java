package dev.starling.app.loadbench;

import java.util.SplittableRandom;

/**
 * The seeded sequence of synthetic posts, in time order: the k-th of P posts falls at a random
 * instant of the k-th of P equal slices of the time span (so timestamps never go backwards); its
 * author is drawn half by the Zipf activity rank and half uniformly; visibility is public 85%,
 * unlisted 7%, followers-only 8%; one post in ten carries a hashtag. The same seed gives the same
 * sequence (the seeder replays it to write the outbox rows).
 */
final class PostStream {

    record Row(long atMillis, int author, String text, int visibility, int tag) {}

    private final SplittableRandom random;
    private final long posts;
    private final int accounts;
    private final HeavyTail.Zipf zipf;
    private final int[] activity;
    private final long startMillis;
    private final long spanMillis;
    private long k;
    private long lastMillis = Long.MIN_VALUE;

    PostStream(long seed, long posts, int accounts, HeavyTail.Zipf zipf, int[] activity, long startMillis, long spanMillis) {
        this.random = new SplittableRandom(seed);
        this.posts = posts;
        this.accounts = accounts;
        this.zipf = zipf;
        this.activity = activity;
        this.startMillis = startMillis;
        this.spanMillis = spanMillis;
    }

    Row next() {
        if (k >= posts) {
            throw new IllegalStateException("all " + posts + " posts were already produced");
        }
        double slot = (k + random.nextDouble()) / posts;
        long at = Math.max(lastMillis, startMillis + (long) (slot * spanMillis));
        lastMillis = at;
        k++;
        int author = random.nextBoolean() ? activity[zipf.sample(random)] : random.nextInt(accounts);
        int v = random.nextInt(100);
        int visibility = v < 85 ? 0 : v < 92 ? 1 : 2;
        int tag = random.nextInt(10) == 0 ? random.nextInt(PostTexts.TAGS.size()) : -1;
        String text = PostTexts.text(random, tag < 0 ? null : PostTexts.TAGS.get(tag));
        return new Row(at, author, text, visibility, tag);
    }
}
