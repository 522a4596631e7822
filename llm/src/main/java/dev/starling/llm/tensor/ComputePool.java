package dev.starling.llm.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of compute threads for data-parallel loops: {@link #parallelFor} splits [0, n) into
 * chunks that the caller and the workers take from a shared counter. Workers spin briefly and then
 * park between loops, so a decode step (hundreds of short loops) does not pay a thread hand-off each
 * time. Calls are serialized: one loop runs at a time; a task must not call parallelFor itself.
 */
public final class ComputePool implements AutoCloseable {

    /** Body of a parallel loop over [start, end). */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end);
    }

    private static final int SPIN_ITERATIONS = 5_000;
    /**
     * Whether each loop records how long the first thread to finish waits for the last
     * ({@code -Dstarling.llm.poolWaits=true}; off by default, when the timing is constant-folded away). See {@link #waits}.
     */
    static final boolean TIME_WAITS = Boolean.getBoolean("starling.llm.poolWaits");
    private static volatile ComputePool shared;

    private final int threads;
    private final Thread[] workers;
    private final AtomicInteger nextChunk = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile long generation;
    private volatile boolean closed;
    private volatile Thread caller;
    private RangeTask task;
    private int n;
    private int chunkSize;
    private int chunks;
    /** 0: fixed chunks ({@link #parallelFor}); otherwise the smallest piece of a guided loop ({@link #parallelForGuided}). */
    private int guidedMin;
    private final AtomicInteger nextIndex = new AtomicInteger();
    private volatile Throwable failure;
    /** With {@link #TIME_WAITS}: per thread (caller first), System.nanoTime() when it ran out of chunks in this loop. */
    private final long[] doneAt;
    private long loops;
    private long tailNanos;
    private long wallNanos;

    /** A pool that computes with {@code threads} threads in total (the caller counts as one). */
    public ComputePool(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads must be 1..1024, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        this.doneAt = new long[threads];
        for (int i = 0; i < workers.length; i++) {
            int slot = i + 1;
            Thread t = new Thread(() -> workerLoop(slot), "starling-compute-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    /** The process-wide pool, sized by {@code -Dstarling.llm.threads} or the number of cores. */
    public static ComputePool shared() {
        ComputePool p = shared;
        if (p == null) {
            synchronized (ComputePool.class) {
                p = shared;
                if (p == null) {
                    int t = Integer.getInteger("starling.llm.threads", Runtime.getRuntime().availableProcessors());
                    p = new ComputePool(Math.max(1, t));
                    shared = p;
                }
            }
        }
        return p;
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs task over [0, n) in chunks of at least {@code grain} indices, on all threads; returns when
     * every chunk is done, rethrowing the first failure.
     */
    public synchronized void parallelFor(int n, int grain, RangeTask task) {
        if (n <= 0) {
            return;
        }
        if (closed) {
            throw new IllegalStateException("compute pool is closed");
        }
        int g = Math.max(1, grain);
        if (threads == 1 || n <= g) {
            task.run(0, n);
            return;
        }
        int targetChunks = threads * 4;
        int size = Math.max(g, (n + targetChunks - 1) / targetChunks);
        size = (size + g - 1) / g * g;
        this.chunkSize = size;
        this.chunks = (n + size - 1) / size;
        this.guidedMin = 0;
        runLoop(n, task);
    }

    /**
     * {@link #parallelFor} with guided pieces: each thread takes about a (2 x threads)th of what is left, and never less
     * than minPiece indices (the last piece may be smaller), so the pieces shrink towards the end of the loop and the
     * threads finish close together. parallelFor's fixed quarter-per-thread chunks can leave one thread idle for up to
     * a whole chunk at the end of a loop (an 8-stream output product on 2 threads: chunks of ~4 ms of work).
     */
    public synchronized void parallelForGuided(int n, int minPiece, RangeTask task) {
        if (n <= 0) {
            return;
        }
        if (closed) {
            throw new IllegalStateException("compute pool is closed");
        }
        int g = Math.max(1, minPiece);
        if (threads == 1 || n <= g) {
            task.run(0, n);
            return;
        }
        this.guidedMin = g;
        runLoop(n, task);
    }

    private void runLoop(int n, RangeTask task) {
        long t0 = TIME_WAITS ? System.nanoTime() : 0;
        this.task = task;
        this.n = n;
        this.failure = null;
        this.caller = Thread.currentThread();
        nextChunk.set(0);
        nextIndex.set(0);
        pending.set(workers.length);
        generation = generation + 1; // publishes the fields above
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        runChunks();
        if (TIME_WAITS) {
            doneAt[0] = System.nanoTime();
        }
        int spins = 0;
        while (pending.get() != 0) {
            if (spins++ < SPIN_ITERATIONS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, 50_000);
            }
        }
        this.task = null;
        if (TIME_WAITS) {
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (long d : doneAt) {
                first = Math.min(first, d);
                last = Math.max(last, d);
            }
            loops++;
            tailNanos += last - first;
            wallNanos += System.nanoTime() - t0;
        }
        Throwable f = failure;
        if (f != null) {
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(f);
        }
    }

    private void runChunks() {
        if (guidedMin > 0) {
            runGuided();
            return;
        }
        RangeTask t = task;
        int total = chunks;
        int size = chunkSize;
        int end = n;
        int c;
        while ((c = nextChunk.getAndIncrement()) < total) {
            int start = c * size;
            try {
                t.run(start, Math.min(end, start + size));
            } catch (Throwable e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
    }

    private void runGuided() {
        RangeTask t = task;
        int end = n;
        int min = guidedMin;
        int parts = 2 * threads;
        while (true) {
            int start = nextIndex.get();
            if (start >= end) {
                return;
            }
            int size = Math.max(min, (end - start + parts - 1) / parts);
            int stop = Math.min(end, start + size);
            if (!nextIndex.compareAndSet(start, stop)) {
                continue;
            }
            try {
                t.run(start, stop);
            } catch (Throwable e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
    }

    /**
     * With {@code -Dstarling.llm.poolWaits=true}: loops run since the last call, the milliseconds from the first thread
     * running out of work to the last one finishing (summed over the loops), and the loops' wall milliseconds; then
     * forgets them. Call from the thread that runs the loops.
     */
    public synchronized String waits() {
        long[] w = waitNanos();
        return String.format(java.util.Locale.ROOT, "%d loops, %.3f ms tail of %.3f ms wall", w[0], w[1] / 1e6, w[2] / 1e6);
    }

    /** {@link #waits} as numbers: loops, tail nanoseconds, wall nanoseconds; then forgets them. */
    public synchronized long[] waitNanos() {
        long[] r = {loops, tailNanos, wallNanos};
        loops = 0;
        tailNanos = 0;
        wallNanos = 0;
        return r;
    }

    private void workerLoop(int slot) {
        long seen = 0;
        while (true) {
            int spins = 0;
            long g;
            while ((g = generation) == seen && !closed) {
                if (spins++ < SPIN_ITERATIONS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = g;
            runChunks();
            if (TIME_WAITS) {
                doneAt[slot] = System.nanoTime(); // published to the caller by the decrement below
            }
            if (pending.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        synchronized (ComputePool.class) {
            if (shared == this) {
                shared = null;
            }
        }
    }
}
