package dev.starling.app.loadbench;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * One connection of the load generator and the platform thread that drives it: the closed loop (send the next request
 * when the last is answered) or its share of the open loop's fixed schedule. Everything it counts is its own (plain
 * fields, read after its thread ended), so a request costs no shared writes, no scheduling object and no timer task:
 * in the open loop the thread parks until its next send is due (one futex wait), sends, and blocks in one
 * {@code read} for the answer. Timeouts are kept by {@link LoadGenerator}'s watchdog through
 * {@link HttpConnection#abortIfStuck}.
 */
final class Worker implements Runnable {
    /** Send time tolerance of the open loop: later than this after its schedule, a send counts as late. */
    static final long LATE_SEND_NANOS = 1_000_000;

    private final LoadGenerator.Config config;
    private final int index;
    private final SplittableRandom random;
    /** For workloads whose request depends only on the token: each token's request, built once. */
    private final byte[][] requestPerToken;
    private final long startNanos;
    private final long measureFromNanos;
    private final long endNanos;
    final HttpConnection connection;
    final LatencyRecorder recorder = new LatencyRecorder();
    /** Failures of measured requests by kind. */
    final Map<String, Long> errors = new HashMap<>();
    /** Open loop, measured: sends over {@link #LATE_SEND_NANOS} late because the previous answer on this connection was. */
    long queuedSends;
    /** Open loop, measured: sends over {@link #LATE_SEND_NANOS} late although the connection was free in time: the generator's own delay. */
    long clientLateSends;
    /** Open loop, measured: the longest such delay of the generator (wake-up after the due time, connection free). */
    long maxClientLagNanos;

    Worker(LoadGenerator.Config config, int index, byte[][] requestPerToken, long startNanos, long measureFromNanos, long endNanos) {
        this.config = config;
        this.index = index;
        this.random = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + index);
        this.requestPerToken = requestPerToken;
        this.startNanos = startNanos;
        this.measureFromNanos = measureFromNanos;
        this.endNanos = endNanos;
        this.connection = new HttpConnection(config.baseUrl(), (int) Math.min(Integer.MAX_VALUE, config.requestTimeout().toMillis()), false);
    }

    @Override
    public void run() {
        try (connection) {
            if (config.ratePerSecond() > 0) {
                openLoop();
            } else {
                closedLoop();
            }
        }
    }

    private byte[] nextRequest() {
        List<BenchToken> tokens = config.tokens();
        int t = random.nextInt(tokens.size());
        if (requestPerToken != null) {
            return requestPerToken[t];
        }
        return config.workload().request(config.baseUrl(), HttpConnection.hostHeader(config.baseUrl()), tokens.get(t), random);
    }

    private void closedLoop() {
        while (true) {
            long t0 = System.nanoTime();
            if (t0 - endNanos >= 0) {
                return;
            }
            String failure = send(nextRequest());
            long t1 = System.nanoTime();
            if (t0 - measureFromNanos >= 0 && t1 - endNanos <= 0) {
                if (failure == null) {
                    recorder.record((t1 - t0) / 1_000);
                } else {
                    errors.merge(failure, 1L, Long::sum);
                }
            }
            if (failure != null && failure.endsWith("Exception") && !pause(10_000_000)) {
                return; // do not spin on a dead server
            }
        }
    }

    /** Requests {@code j = index, index + connections, ...} of the schedule, request {@code j} due at {@code start + j / rate}. */
    private void openLoop() {
        double periodNanos = 1e9 / config.ratePerSecond();
        int step = config.connections();
        long giveUpNanos = endNanos + config.requestTimeout().toNanos();
        for (long j = index; ; j += step) {
            long scheduled = startNanos + (long) (j * periodNanos);
            if (scheduled - endNanos >= 0) {
                return;
            }
            boolean measured = scheduled - measureFromNanos >= 0;
            long ready = System.nanoTime(); // this connection is free from now
            if (ready - giveUpNanos > 0) {
                // far behind schedule after the window: what is left of it was never sent
                if (measured) {
                    long left = 0;
                    for (long k = j; startNanos + (long) (k * periodNanos) - endNanos < 0; k += step) {
                        left++;
                    }
                    errors.merge("not_sent", left, Long::sum);
                }
                return;
            }
            long now = ready;
            while (scheduled - now > 0) {
                LockSupport.parkNanos(scheduled - now);
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                now = System.nanoTime();
            }
            if (measured && now - scheduled > LATE_SEND_NANOS) {
                if (ready - scheduled > LATE_SEND_NANOS) {
                    queuedSends++;
                } else {
                    clientLateSends++;
                }
            }
            if (measured && scheduled - ready > 0) {
                maxClientLagNanos = Math.max(maxClientLagNanos, now - scheduled);
            }
            String failure = send(nextRequest());
            long t1 = System.nanoTime();
            if (measured) {
                if (failure == null) {
                    recorder.record((t1 - scheduled) / 1_000);
                } else {
                    errors.merge(failure, 1L, Long::sum);
                }
            }
        }
    }

    /** Sends one request and reads its answer: null when it was a 2xx, else what failed ({@code http_503}, an exception's name). */
    private String send(byte[] request) {
        try {
            int status = connection.exchange(request, 0).status();
            return status / 100 == 2 ? null : "http_" + status;
        } catch (IOException e) {
            return e.getClass().getSimpleName();
        }
    }

    private static boolean pause(long nanos) {
        LockSupport.parkNanos(nanos);
        return !Thread.currentThread().isInterrupted();
    }
}
