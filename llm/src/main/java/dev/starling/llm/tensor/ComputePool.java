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
    private volatile Throwable failure;

    /** A pool that computes with {@code threads} threads in total (the caller counts as one). */
    public ComputePool(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads must be 1..1024, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Thread(this::workerLoop, "starling-compute-" + (i + 1));
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
        this.task = task;
        this.n = n;
        this.chunkSize = size;
        this.chunks = (n + size - 1) / size;
        this.failure = null;
        this.caller = Thread.currentThread();
        nextChunk.set(0);
        pending.set(workers.length);
        generation = generation + 1; // publishes the fields above
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        runChunks();
        int spins = 0;
        while (pending.get() != 0) {
            if (spins++ < SPIN_ITERATIONS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, 50_000);
            }
        }
        this.task = null;
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

    private void workerLoop() {
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
