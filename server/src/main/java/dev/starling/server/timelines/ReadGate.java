package dev.starling.server.timelines;

import dev.starling.server.http.ApiException;
import io.javalin.http.Handler;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Admits at most {@code permits} timeline reads at once, first come first served; the others wait in line, and one that
 * waits longer than the timeout is answered 503 with {@code Retry-After}. A timeline read is database and CPU work only
 * (no waiting on anything else), so more of them at once than the machine has cores only adds run-queue waits and context
 * switches between request threads and PostgreSQL backends. Measured with {@code scripts/bench-network.sh --quick} at
 * saturation (16 connections, 2 cores): limiting the pool to 4 connections took home from 1,457 to 1,696 req/s and its
 * p99 from 78 to 43 ms, but also halved durable writes, which need concurrent commits; this gate limits reads only.
 */
final class ReadGate {

    /**
     * Twice the cores (one read per core in PostgreSQL and one in the server), unless the system property
     * {@code starling.timelines.readPermits} says otherwise (0: no limit, to compare in a benchmark).
     */
    static final int DEFAULT_PERMITS = permits(System.getProperty("starling.timelines.readPermits"));
    static final long DEFAULT_TIMEOUT_MILLIS = 10_000;

    private final Semaphore permits;
    private final long timeoutMillis;

    ReadGate(int permits, long timeoutMillis) {
        if (permits < 1 || timeoutMillis < 1) {
            throw new IllegalArgumentException("permits and timeoutMillis must be positive, got " + permits + " and " + timeoutMillis);
        }
        this.permits = new Semaphore(permits, true);
        this.timeoutMillis = timeoutMillis;
    }

    static int permits(String configured) {
        if (configured == null || configured.isBlank()) {
            return Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
        }
        try {
            int n = Integer.parseInt(configured.strip());
            if (n >= 0) {
                return n == 0 ? Integer.MAX_VALUE : n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("starling.timelines.readPermits must be a whole number >= 0 (0: no limit), got '" + configured + "'");
    }

    static ReadGate defaults() {
        return new ReadGate(DEFAULT_PERMITS, DEFAULT_TIMEOUT_MILLIS);
    }

    /** {@code handler}, run only while holding a permit. */
    Handler gated(Handler handler) {
        return ctx -> {
            if (!permits.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS)) {
                throw new ApiException(503, "the server is busy: timeline reads waited more than " + timeoutMillis
                        + " ms; try again shortly", Map.of(), Map.of("Retry-After", "1"));
            }
            try {
                handler.handle(ctx);
            } finally {
                permits.release();
            }
        };
    }
}
