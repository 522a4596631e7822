package dev.starling.ai.trends;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the scoring refresh and then the stories update every {@code intervalMillis} on one background thread (never
 * per request). The counter ({@link TrendCounter#start()}) runs on its own thread.
 */
public final class TrendScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrendScheduler.class);

    private final TrendRefresh refresh;
    private final TrendStories stories;
    private final long intervalMillis;
    private final java.util.concurrent.atomic.AtomicLong runsCompleted = new java.util.concurrent.atomic.AtomicLong();
    /** The executor's threads (one, unless it replaced a worker that died), joined by {@link #close}. */
    private final java.util.List<Thread> workers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private ScheduledExecutorService executor;

    /** @param stories may be null (no stories, only the lists) */
    public TrendScheduler(TrendRefresh refresh, TrendStories stories, long intervalMillis) {
        if (intervalMillis < 1000) {
            throw new IllegalArgumentException("intervalMillis must be at least 1000, was " + intervalMillis);
        }
        this.refresh = refresh;
        this.stories = stories;
        this.intervalMillis = intervalMillis;
    }

    /** Starts the schedule: a first run at once, then every interval (idempotent). */
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = Thread.ofPlatform().daemon().name("trend-scheduler").unstarted(r);
            workers.add(t);
            return t;
        });
        executor.scheduleWithFixedDelay(this::runSafely, 0, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * One extra refresh and stories update on the schedule's thread as soon as it is free (so never beside a scheduled
     * run), for example when a model that writes stories has just become ready; the fixed schedule goes on as before.
     * Does nothing before {@link #start} or after {@link #close}.
     */
    public synchronized void runSoon() {
        if (executor != null) {
            executor.execute(this::runSafely);
        }
    }

    /** How many refreshes have completed since this scheduler was made (scheduled, {@link #runSoon} or {@link #runOnce}). */
    public long runsCompleted() {
        return runsCompleted.get();
    }

    /** One refresh and stories update, in the caller's thread. */
    public void runOnce() {
        TrendRefresh.Result r = refresh.refresh();
        LOG.debug("trends refreshed: {}", r);
        if (stories != null) {
            TrendStories.UpdateResult u = stories.update();
            LOG.debug("trend stories updated: {}", u);
        }
        runsCompleted.incrementAndGet();
    }

    private void runSafely() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            LOG.warn("trend refresh failed (next try in {} ms): {}", intervalMillis, e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(30, TimeUnit.SECONDS);
                // the executor counts as terminated just before its worker thread returns: wait for the thread itself
                for (Thread t : workers) {
                    t.join(5_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            workers.clear();
            executor = null;
        }
    }
}
