package dev.starling.app.loadbench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * An HTTP load generator: {@code connections} platform threads, each driving its own {@link HttpConnection}
 * (HTTP/1.1 keep-alive, one TCP connection per worker; see {@link Worker}), for a warm-up and then a measured window.
 * Latencies of 2xx answers are recorded in microseconds; anything else counts as an error by kind.
 *
 * <p><b>Closed loop</b> ({@code ratePerSecond == 0}): each worker sends its next request as soon as
 * the last one is answered. A request counts when it both starts and ends inside the measured
 * window; its latency is send to full body received. A slow answer delays the worker's next request
 * (coordinated omission): the percentiles are those of the requests made, at the throughput reached.
 *
 * <p><b>Open loop</b> ({@code ratePerSecond > 0}, as wrk2): requests are scheduled at a fixed
 * offered rate, request {@code j} (over all workers) at {@code start + j / rate}, worker {@code i}
 * taking {@code j = i, i + connections, ...}. Latency is measured from the request's <em>scheduled</em>
 * time, so a request that had to wait for its connection (the previous answer was late) carries that
 * wait: coordinated omission is counted. A request counts when it was scheduled inside the measured
 * window. Requests of the window that could not even be sent within one request timeout after the
 * window's end are counted as errors ({@code not_sent}). Sends that started more than a millisecond
 * after their schedule are counted in {@link LoadResult#lateSends()}, and split by cause: the connection's previous
 * answer came after the due time (queueing, the server's side), or the connection was free but the generator woke
 * late ({@link LoadResult#clientLateSends()}: the generator did not keep its schedule, and latencies it measured
 * are partly its own).
 *
 * <p>The platform threads (rather than virtual ones) are for the generator's CPU per request: a virtual thread's
 * timed park and timed socket read each cost a timer task and a hand-off between carrier and unparker threads;
 * measured with JFR at 11,000 home requests per second, that was about half the generator's CPU in the open loop.
 * The sockets have no timeout either (see {@link HttpConnection}): a {@link Watchdog} keeps the request timeout.
 */
public final class LoadGenerator {

    /** How to run. {@code baseUrl} like {@code http://127.0.0.1:8080}. */
    public record Config(URI baseUrl, List<BenchToken> tokens, Workload workload, int connections,
                         Duration warmup, Duration measure, Duration requestTimeout, long seed, double ratePerSecond) {
        public static final int MAX_CONNECTIONS = 1024;
        /** Highest offered rate of the open loop. */
        public static final double MAX_RATE_PER_SECOND = 1_000_000;

        /** A closed-loop run. */
        public Config(URI baseUrl, List<BenchToken> tokens, Workload workload, int connections,
                      Duration warmup, Duration measure, Duration requestTimeout, long seed) {
            this(baseUrl, tokens, workload, connections, warmup, measure, requestTimeout, seed, 0);
        }

        public Config {
            if (!(ratePerSecond >= 0 && ratePerSecond <= MAX_RATE_PER_SECOND)) {
                throw new IllegalArgumentException("rate must be 0 (closed loop) or up to " + (long) MAX_RATE_PER_SECOND
                        + " requests per second (open loop), was " + ratePerSecond);
            }
            Objects.requireNonNull(baseUrl, "baseUrl");
            Objects.requireNonNull(workload, "workload");
            if (!"http".equals(baseUrl.getScheme()) || baseUrl.getHost() == null) {
                throw new IllegalArgumentException("base URL must be http://host:port (plain HTTP on loopback), was " + baseUrl);
            }
            if (tokens == null || tokens.isEmpty()) {
                throw new IllegalArgumentException("at least one token is needed");
            }
            tokens = List.copyOf(tokens);
            if (connections < 1 || connections > MAX_CONNECTIONS) {
                throw new IllegalArgumentException("connections must be 1.." + MAX_CONNECTIONS + ", was " + connections);
            }
            if (warmup.isNegative() || warmup.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("warm-up must be 0..3600 s, was " + warmup);
            }
            if (measure.toMillis() < 100 || measure.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("measured window must be 0.1..3600 s, was " + measure);
            }
            if (requestTimeout.toMillis() < 1 || requestTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("request timeout must be 1 ms..5 min, was " + requestTimeout);
            }
            if (ratePerSecond > 0 && measure.toNanos() / 1e9 * ratePerSecond < 1) {
                throw new IllegalArgumentException("an open loop at " + ratePerSecond + " requests per second schedules no request in a "
                        + measure.toMillis() + " ms window");
            }
            String s = baseUrl.toString();
            if (s.endsWith("/")) {
                baseUrl = URI.create(s.substring(0, s.length() - 1));
            }
        }
    }

    private LoadGenerator() {
    }

    /**
     * Sends one request of the workload and returns an error message when it is not a 2xx (for a
     * clear failure before a run, e.g. a missing route or a rejected token), or null when it is.
     */
    public static String probe(Config config) {
        try (HttpConnection connection = newConnection(config)) {
            BenchToken token = config.tokens().getFirst();
            byte[] req = config.workload().request(config.baseUrl(), HttpConnection.hostHeader(config.baseUrl()), token,
                    new SplittableRandom(config.seed()));
            HttpConnection.Response r = connection.exchange(req, 301);
            if (r.status() / 100 == 2) {
                return null;
            }
            String body = new String(r.bodyStart(), StandardCharsets.UTF_8);
            return config.workload().label() + " answered " + r.status() + " for account " + token.accountId() + ": "
                    + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
        } catch (IOException e) {
            return config.workload().label() + " failed: " + e;
        }
    }

    /**
     * Runs warm-up and measured window; blocks for their length (plus at most one request timeout). One platform
     * thread per connection, and a watchdog thread that ends exchanges older than the request timeout and reads this
     * process's CPU time at the measured window's start and end.
     */
    public static LoadResult run(Config config) throws InterruptedException {
        long startNanos = System.nanoTime() + 1_000_000; // threads started before the schedule begins
        long measureFromNanos = startNanos + config.warmup().toNanos();
        long endNanos = measureFromNanos + config.measure().toNanos();
        byte[][] requestPerToken = requestPerToken(config);
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < config.connections(); i++) {
            Worker w = new Worker(config, i, requestPerToken, startNanos, measureFromNanos, endNanos);
            workers.add(w);
            threads.add(Thread.ofPlatform().daemon().name("loadbench-" + i).unstarted(w));
        }
        Watchdog watchdog = new Watchdog(workers, config.requestTimeout().toNanos(), measureFromNanos, endNanos);
        Thread watch = Thread.ofPlatform().daemon().name("loadbench-watchdog").start(watchdog);
        for (Thread t : threads) {
            t.start();
        }
        try {
            for (Thread t : threads) {
                t.join();
            }
        } finally {
            watch.interrupt();
            watch.join();
        }
        Map<String, Long> byKind = new HashMap<>();
        long errorCount = 0;
        long dropped = 0;
        long queued = 0;
        long clientLate = 0;
        long maxLagNanos = 0;
        List<LatencyRecorder> recorders = new ArrayList<>();
        for (Worker w : workers) {
            for (var e : w.errors.entrySet()) {
                byKind.merge(e.getKey(), e.getValue(), Long::sum);
                errorCount += e.getValue();
            }
            dropped += w.recorder.dropped();
            queued += w.queuedSends;
            clientLate += w.clientLateSends;
            maxLagNanos = Math.max(maxLagNanos, w.maxClientLagNanos);
            recorders.add(w.recorder);
        }
        if (dropped > 0) {
            byKind.put("samples_dropped", dropped);
        }
        double seconds = config.measure().toNanos() / 1e9;
        return new LoadResult(config.workload(), config.connections(), seconds, LatencyRecorder.merge(recorders), errorCount, byKind,
                config.ratePerSecond(), queued + clientLate, clientLate, maxLagNanos / 1_000, watchdog.windowCpuCores());
    }

    /** Each token's request when the workload's request depends on nothing else (home), else null (built per request). */
    private static byte[][] requestPerToken(Config config) {
        if (!config.workload().samePerToken()) {
            return null;
        }
        String host = HttpConnection.hostHeader(config.baseUrl());
        byte[][] out = new byte[config.tokens().size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = config.workload().request(config.baseUrl(), host, config.tokens().get(i), null);
        }
        return out;
    }

    private static HttpConnection newConnection(Config config) {
        return new HttpConnection(config.baseUrl(), (int) Math.min(Integer.MAX_VALUE, config.requestTimeout().toMillis()));
    }
}
