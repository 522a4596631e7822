package dev.starling.search.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.social.export.PostExport;
import dev.starling.social.outbox.Outbox;
import dev.starling.social.outbox.OutboxEvent;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the index from the outbox. Each step polls events after the index's position, collects
 * the post ids they touch (created, deleted, visibility changed, favourited; a repost touches its
 * original's repost count), reloads those posts from the database and makes the index agree
 * ({@link PostIndex#applyLexicalFirst}), then refreshes the NRT searcher: a post is searchable one
 * poll interval plus one refresh after it commits, whatever the embedder is doing.
 *
 * <p>With an embedder, vectors come in a second pass ({@link VectorBackfill}, on its own thread
 * "search-embedder"): a post whose text has no vector yet is indexed without one and marked; when
 * its vector is ready, the next step reloads the post and writes it again with the vector. The
 * marks are committed with the documents, so after a crash the posts still owed a vector are found
 * in the index (at start, and after the backfill's queue overflowed) and get one. Every {@code commitIntervalMillis} the index commits
 * with the position it covers and the outbox checkpoint of consumer {@value #CONSUMER} follows
 * (for lag metrics). A started indexer commits on its own thread "search-committer", beside its
 * steps, so that a commit's fsync (hundreds of milliseconds on a busy disk, more after a large
 * merge) never delays a refresh; such a commit may hold writes beyond the position it records.
 * After a crash the index resumes from its last commit; events are replayed idempotently (reload
 * from the database, update or delete; {@link PostIndex} adds a post only when its id is above
 * every indexed one, so a replayed post is updated, never added twice).
 */
public final class OutboxIndexer implements AutoCloseable {

    public static final String CONSUMER = "search-index";
    private static final Logger LOG = LoggerFactory.getLogger(OutboxIndexer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    public static final int BATCH = 1000;

    private final PostIndex index;
    private final Outbox outbox;
    private final PostExport export;
    private final long pollIntervalMillis;
    private final long commitIntervalMillis;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile long position;
    /** Guards commits (which run beside steps: a commit's fsync never holds back a refresh). */
    private final Object commitLock = new Object();
    private volatile long lastCommitNanos = System.nanoTime();
    /** Steps that changed the index (events or vectors); a commit is due when this moved since the last one. */
    private volatile long changes;
    /** {@link #changes} covered by the last commit; guarded by {@link #commitLock}. */
    private long committedChanges;
    private final java.util.concurrent.atomic.AtomicLongArray stats = new java.util.concurrent.atomic.AtomicLongArray(14); // steps with work, events, nanos, max nanos, poll nanos, reload nanos, thread CPU nanos, refresh nanos, vectors applied, commits, commit nanos, max commit nanos, max refresh nanos, apply nanos
    private Thread thread;
    private Thread embedThread;
    /** Commits every {@code commitIntervalMillis} while the indexer runs (null: steps commit inline, as when stepped by hand). */
    private volatile Thread commitThread;
    private final VectorBackfill backfill;
    /** Look in the index for posts marked as waiting for a vector that the backfill does not hold (at start, after an overflow). */
    private boolean rescanPending = true;
    /** When a step last found outbox events (the second pass yields while writes arrive). */
    private volatile long lastEventsNanos = System.nanoTime() - TimeUnit.HOURS.toNanos(1);

    public OutboxIndexer(PostIndex index, Outbox outbox, PostExport export, long pollIntervalMillis, long commitIntervalMillis) {
        if (pollIntervalMillis < 1 || commitIntervalMillis < 1) {
            throw new IllegalArgumentException("intervals must be positive");
        }
        this.index = index;
        this.outbox = outbox;
        this.export = export;
        this.pollIntervalMillis = pollIntervalMillis;
        this.commitIntervalMillis = commitIntervalMillis;
        this.position = index.committedPosition();
        this.backfill = index.embedder() == null ? null : new VectorBackfill(index.embedder());
    }

    /** Defaults: poll every 100 ms, commit every 5 s. */
    public OutboxIndexer(PostIndex index, Outbox outbox, PostExport export) {
        this(index, outbox, export, 100, 5000);
    }

    /** The outbox position applied to the index (searchable, maybe not yet committed). */
    public long position() {
        return position;
    }

    /**
     * Applies one batch of events (at most {@link #BATCH}); returns how many there were. Refreshes
     * the searcher when there were any. When the indexer was not {@link #start() started}, also
     * commits once the commit interval has passed (a started indexer commits on its own thread).
     */
    public synchronized int step() {
        long t0 = System.nanoTime();
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        List<OutboxEvent> events = outbox.poll(CONSUMER, position, BATCH);
        long polled = System.nanoTime();
        Map<Long, PostIndex.ReadyVector> ready = backfill == null ? Map.of() : backfill.takeReady();
        List<Long> owed = List.of();
        if (backfill != null && (rescanPending |= backfill.takeOverflowed()) && backfill.queued() + BATCH <= backfill.maxQueued()) {
            owed = index.vectorPendingIds(BATCH, id -> backfill.holds(id) || ready.containsKey(id));
            rescanPending = owed.size() == BATCH;
        }
        if (!events.isEmpty() || !ready.isEmpty() || !owed.isEmpty()) {
            stats.addAndGet(4, polled - t0);
            Set<Long> ids = new LinkedHashSet<>();
            for (OutboxEvent e : events) {
                touched(e, ids);
            }
            ids.addAll(ready.keySet());
            ids.addAll(owed);
            if (!ids.isEmpty()) {
                List<Long> all = List.copyOf(ids);
                var present = export.byIds(all);
                long reloaded = System.nanoTime();
                stats.addAndGet(5, reloaded - polled);
                List<PostIndex.PendingVector> pending = index.applyLexicalFirst(all, present, ready);
                long applied = System.nanoTime();
                stats.addAndGet(13, applied - reloaded);
                index.refresh();
                long refreshed = System.nanoTime() - applied;
                stats.addAndGet(7, refreshed);
                stats.accumulateAndGet(12, refreshed, Math::max);
                if (backfill != null && !pending.isEmpty()) {
                    backfill.offer(pending); // after the refresh: these posts are already searchable by their words
                }
            }
            if (!events.isEmpty()) {
                position = events.getLast().position();
                lastEventsNanos = System.nanoTime();
            }
            long took = System.nanoTime() - t0;
            stats.incrementAndGet(0);
            stats.addAndGet(1, events.size());
            stats.addAndGet(2, took);
            stats.accumulateAndGet(3, took, Math::max);
            stats.addAndGet(6, THREADS.getCurrentThreadCpuTime() - cpu0);
            stats.addAndGet(8, ready.size());
            changes++; // after the position: a commit that sees this count also covers this step's writes
        }
        if (commitThread == null && System.nanoTime() - lastCommitNanos >= TimeUnit.MILLISECONDS.toNanos(commitIntervalMillis)) {
            commit();
        }
        return events.size() + ready.size() + owed.size();
    }

    /** The second pass (null without an embedder). */
    public VectorBackfill backfill() {
        return backfill;
    }

    /**
     * Steps that found work so far (events, or vectors of the second pass): how many, their events,
     * and their time (poll, reload, apply, refresh; commits excluded), of which polling the outbox,
     * reloading the posts and refreshing the searcher, the CPU time of the stepping thread (the
     * database's own work not included), and the vectors applied.
     */
    public record StepStats(long steps, long events, long totalNanos, long maxNanos, long pollNanos, long reloadNanos, long threadCpuNanos,
                            long refreshNanos, long vectorsApplied, long commits, long commitNanos, long maxCommitNanos, long maxRefreshNanos,
                            long applyNanos) {
        public double meanMillis() {
            return steps == 0 ? 0 : totalNanos / 1e6 / steps;
        }
    }

    public StepStats stepStats() {
        return new StepStats(stats.get(0), stats.get(1), stats.get(2), stats.get(3), stats.get(4), stats.get(5), stats.get(6), stats.get(7), stats.get(8),
                stats.get(9), stats.get(10), stats.get(11), stats.get(12), stats.get(13));
    }

    /**
     * Applies events until the outbox is drained and every indexed post has its vector (embedding
     * on the calling thread what the second pass has not done yet), then commits.
     */
    public synchronized void catchUp() {
        while (true) {
            if (step() > 0) {
                continue;
            }
            if (backfill != null && !backfill.idle()) {
                try {
                    if (backfill.embedNext(0) == 0) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // the embedder thread has the batch in flight
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while catching up on vectors", e);
                }
                continue;
            }
            break;
        }
        commit();
    }

    /**
     * Commits the index at the applied position and checkpoints the consumer, when anything was
     * applied since the last commit (vectors too, or a crash would have them embedded again). Runs
     * beside {@link #step()}: the position is read before the commit starts, and everything applied
     * up to it was written to the index before the position moved, so the commit covers at least
     * that position (writes after it may be in the commit too; replaying them is idempotent).
     */
    public void commit() {
        synchronized (commitLock) {
            commitLocked();
        }
    }

    private void commitLocked() {
        long p = position;
        long c = changes;
        if (p != index.committedPosition() || c != committedChanges) {
            long t0 = System.nanoTime();
            index.commit(p);
            outbox.checkpoint(CONSUMER, p);
            committedChanges = c;
            long took = System.nanoTime() - t0;
            stats.incrementAndGet(9);
            stats.addAndGet(10, took);
            stats.accumulateAndGet(11, took, Math::max);
        }
        lastCommitNanos = System.nanoTime();
    }

    static void touched(OutboxEvent e, Set<Long> ids) {
        switch (e.type()) {
            case POST_CREATED, POST_DELETED -> {
                ids.add(e.aggregateId());
                long original = payloadLong(e, "reblog_of_id");
                if (original > 0) {
                    ids.add(original);
                }
            }
            case POST_VISIBILITY_CHANGED, FAVOURITED, UNFAVOURITED -> ids.add(e.aggregateId());
            default -> {
                // follows, blocks and accounts are read at query time
            }
        }
    }

    private static long payloadLong(OutboxEvent e, String field) {
        try {
            JsonNode n = JSON.readTree(e.payloadJson()).get(field);
            return n == null || !n.canConvertToLong() ? 0 : n.asLong();
        } catch (Exception ex) {
            throw new IllegalStateException("outbox event at position " + e.position() + " has a malformed payload: " + ex.getMessage(), ex);
        }
    }

    /** Starts the background thread (daemon) that steps until {@link #close()}. */
    public synchronized void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        commitThread = Thread.ofPlatform().daemon().name("search-committer").start(() -> {
            while (running.get()) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(commitIntervalMillis));
                if (!running.get()) {
                    break;
                }
                try {
                    commit();
                } catch (RuntimeException ex) {
                    LOG.warn("search index commit failed (retrying at the next interval; searches are unaffected): {}", ex.toString());
                }
            }
        });
        thread = Thread.ofPlatform().daemon().name("search-indexer").start(() -> {
            while (running.get()) {
                try {
                    if (step() == 0) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pollIntervalMillis));
                    }
                } catch (RuntimeException ex) {
                    LOG.warn("search indexer step failed (retrying in 1 s): {}", ex.toString());
                    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
                }
            }
        });
        if (backfill != null) {
            embedThread = Thread.ofPlatform().daemon().name("search-embedder").start(() -> {
                while (running.get()) {
                    try {
                        long t0 = System.nanoTime();
                        int embedded = backfill.embedNext(pollIntervalMillis);
                        long took = System.nanoTime() - t0;
                        if (embedded > 0 && System.nanoTime() - lastEventsNanos < TimeUnit.MILLISECONDS.toNanos(2 * pollIntervalMillis)) {
                            // Writes are arriving: on a busy machine the model's threads would take the CPU the lexical
                            // pass needs, so the second pass rests as long as it worked (at most half the time).
                            LockSupport.parkNanos(took);
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException ex) {
                        LOG.warn("search embedder failed (retrying in 1 s; the posts stay searchable by their words): {}", ex.toString());
                        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
                    }
                }
            });
        }
    }

    /** Stops the thread and commits what was applied. */
    @Override
    public void close() {
        if (running.compareAndSet(true, false)) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
                LockSupport.unpark(commitThread);
                commitThread.join(TimeUnit.SECONDS.toMillis(30));
                if (embedThread != null) {
                    embedThread.join(TimeUnit.SECONDS.toMillis(30));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            commit();
        } catch (RuntimeException e) {
            LOG.warn("final search index commit failed: {}", e.toString());
        }
    }
}
