package dev.starling.social.timelines;

import dev.starling.social.outbox.EventType;
import dev.starling.social.outbox.Outbox;
import dev.starling.social.outbox.OutboxEvent;
import dev.starling.social.posts.RecentPosts;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Brings posts written by other processes into the home feeds: polls the outbox's {@code post.created}
 * events (posts and reposts, with their author) and appends them to {@link RecentPosts}, the log the
 * feeds absorb. Without it such a post (an import run against the same external PostgreSQL, a second
 * server) could be missing from cached feeds until they are rebuilt ({@link HomeFeeds.Settings#maxAgeMillis}).
 *
 * <p>Posts this process wrote are in the log already; appending them again is harmless (a feed ignores
 * an id it holds). Nothing is checkpointed: each process starts at the outbox's head, read synchronously
 * before the first feed is built, so a post committed before that head is in the build's database read and
 * one sealed after it is polled (the outbox seals positions in an order no later commit can undercut).
 *
 * <p>Polls run on a virtual thread started by a home read when the last one is older than the interval,
 * one at a time, so an idle server polls nothing and a busy one at most once per interval.
 */
final class OutboxPostFeeder {
    private static final Logger LOG = Logger.getLogger(OutboxPostFeeder.class.getName());
    /** The consumer name reported to the outbox (nothing is checkpointed under it). */
    static final String CONSUMER = "home-feeds";
    /** Events read per poll request. */
    static final int BATCH = 1_000;

    private final Outbox outbox;
    private final long intervalNanos;
    private final AtomicBoolean polling = new AtomicBoolean();
    private final LongAdder appended = new LongAdder();
    private volatile long lastPollNanos;
    /** The last position handed to the log; -1 before the first read of the head. Guarded by {@link #polling}. */
    private volatile long position = -1;

    OutboxPostFeeder(Outbox outbox, long intervalMillis) {
        if (intervalMillis < 0 || intervalMillis > TimeUnit.HOURS.toMillis(1)) {
            throw new IllegalArgumentException("outbox poll interval must be 0..3600000 ms, was " + intervalMillis);
        }
        this.outbox = outbox;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        this.lastPollNanos = System.nanoTime();
    }

    /** Posts appended to the log from the outbox so far. */
    long appended() {
        return appended.sum();
    }

    /**
     * Called by every home read before it looks at a feed: the first call reads the outbox's head (once,
     * synchronously); later calls start a poll in the background when one is due and none is running.
     */
    void beforeRead() {
        if (position < 0) {
            synchronized (this) {
                if (position < 0) {
                    position = outbox.head();
                    lastPollNanos = System.nanoTime();
                }
            }
            return;
        }
        long now = System.nanoTime();
        if (now - lastPollNanos < intervalNanos || !polling.compareAndSet(false, true)) {
            return;
        }
        lastPollNanos = now;
        Thread.ofVirtual().name("home-feeds-outbox").start(() -> {
            try {
                pollLocked();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "home feeds: polling the outbox failed (will retry): " + e.getMessage(), e);
            } finally {
                polling.set(false);
            }
        });
    }

    /** One poll now, on the caller's thread (waits for a running one); returns the posts appended. For tests. */
    int pollNow() {
        if (position < 0) {
            beforeRead();
        }
        while (!polling.compareAndSet(false, true)) {
            Thread.onSpinWait();
        }
        try {
            return pollLocked();
        } finally {
            polling.set(false);
        }
    }

    private int pollLocked() {
        int n = 0;
        while (true) {
            List<OutboxEvent> events = outbox.poll(CONSUMER, position, BATCH);
            for (OutboxEvent e : events) {
                if (e.type() == EventType.POST_CREATED && e.accountId() != null) {
                    RecentPosts.append(e.accountId(), e.aggregateId());
                    n++;
                }
                position = e.position();
            }
            if (events.size() < BATCH) {
                appended.add(n);
                return n;
            }
        }
    }
}
