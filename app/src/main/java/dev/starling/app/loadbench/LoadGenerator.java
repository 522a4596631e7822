package dev.starling.app.loadbench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * An HTTP load generator: {@code connections} virtual threads, each with its own {@link HttpConnection}
 * (HTTP/1.1 keep-alive, one TCP connection per worker), for a warm-up and then a measured window.
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
 * window's end are counted as errors ({@code not_sent}); sends that started more than a millisecond
 * after their schedule are counted in {@link LoadResult#lateSends()} (the offered rate was not kept).
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

    /** Runs warm-up and measured window; blocks for their length (plus at most one request timeout). */
    public static LoadResult run(Config config) throws InterruptedException {
        long startNanos = System.nanoTime();
        long measureFromNanos = startNanos + config.warmup().toNanos();
        long endNanos = measureFromNanos + config.measure().toNanos();
        List<LatencyRecorder> recorders = new ArrayList<>();
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        LongAdder lateSends = new LongAdder();
        for (int i = 0; i < config.connections(); i++) {
            LatencyRecorder rec = new LatencyRecorder();
            recorders.add(rec);
            long workerSeed = config.seed() * 0x9E3779B97F4A7C15L + i;
            int worker = i;
            Runnable body = config.ratePerSecond() > 0
                    ? () -> workOpen(config, worker, new SplittableRandom(workerSeed), rec, errors, lateSends, startNanos, measureFromNanos, endNanos)
                    : () -> work(config, new SplittableRandom(workerSeed), rec, errors, measureFromNanos, endNanos);
            threads.add(Thread.ofVirtual().name("loadbench-" + i).start(body));
        }
        for (Thread t : threads) {
            t.join();
        }
        long errorCount = 0;
        Map<String, Long> byKind = new java.util.HashMap<>();
        for (var e : errors.entrySet()) {
            byKind.put(e.getKey(), e.getValue().sum());
            errorCount += e.getValue().sum();
        }
        long dropped = 0;
        for (LatencyRecorder r : recorders) {
            dropped += r.dropped();
        }
        if (dropped > 0) {
            byKind.put("samples_dropped", dropped);
        }
        double seconds = config.measure().toNanos() / 1e9;
        return new LoadResult(config.workload(), config.connections(), seconds, LatencyRecorder.merge(recorders), errorCount, byKind,
                config.ratePerSecond(), lateSends.sum());
    }

    private static void work(Config config, SplittableRandom random, LatencyRecorder rec, Map<String, LongAdder> errors,
                             long measureFromNanos, long endNanos) {
        List<BenchToken> tokens = config.tokens();
        String host = HttpConnection.hostHeader(config.baseUrl());
        try (HttpConnection client = newConnection(config)) {
            while (true) {
                long t0 = System.nanoTime();
                if (t0 - endNanos >= 0) {
                    return;
                }
                byte[] req = config.workload().request(config.baseUrl(), host, tokens.get(random.nextInt(tokens.size())), random);
                String failure = send(client, req);
                long t1 = System.nanoTime();
                if (t0 - measureFromNanos >= 0 && t1 - endNanos <= 0) {
                    if (failure == null) {
                        rec.record((t1 - t0) / 1_000);
                    } else {
                        errors.computeIfAbsent(failure, k -> new LongAdder()).increment();
                    }
                }
                if (failure != null && failure.endsWith("Exception")) {
                    // do not spin on a dead server
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    /** Send time tolerance of the open loop: later than this after its schedule, a send counts as late. */
    static final long LATE_SEND_NANOS = 1_000_000;

    /** One worker of the open loop: its share of the fixed schedule, latency from each request's scheduled time. */
    private static void workOpen(Config config, int worker, SplittableRandom random, LatencyRecorder rec, Map<String, LongAdder> errors,
                                 LongAdder lateSends, long startNanos, long measureFromNanos, long endNanos) {
        List<BenchToken> tokens = config.tokens();
        double periodNanos = 1e9 / config.ratePerSecond();
        long giveUpNanos = endNanos + config.requestTimeout().toNanos();
        String host = HttpConnection.hostHeader(config.baseUrl());
        try (HttpConnection client = newConnection(config)) {
            for (long j = worker; ; j += config.connections()) {
                long scheduled = startNanos + (long) (j * periodNanos);
                if (scheduled - endNanos >= 0) {
                    return;
                }
                boolean measured = scheduled - measureFromNanos >= 0;
                long now = System.nanoTime();
                if (now - giveUpNanos > 0) {
                    // Far behind schedule after the window: what is left of it was never sent.
                    if (measured) {
                        long left = 0;
                        for (long k = j; startNanos + (long) (k * periodNanos) - endNanos < 0; k += config.connections()) {
                            left++;
                        }
                        errors.computeIfAbsent("not_sent", k -> new LongAdder()).add(left);
                    }
                    return;
                }
                while (scheduled - now > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(scheduled - now);
                    if (Thread.interrupted()) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    now = System.nanoTime();
                }
                if (measured && now - scheduled > LATE_SEND_NANOS) {
                    lateSends.increment();
                }
                byte[] req = config.workload().request(config.baseUrl(), host, tokens.get(random.nextInt(tokens.size())), random);
                String failure = send(client, req);
                long t1 = System.nanoTime();
                if (measured) {
                    if (failure == null) {
                        rec.record((t1 - scheduled) / 1_000);
                    } else {
                        errors.computeIfAbsent(failure, k -> new LongAdder()).increment();
                    }
                }
            }
        }
    }

    private static HttpConnection newConnection(Config config) {
        return new HttpConnection(config.baseUrl(), (int) Math.min(Integer.MAX_VALUE, config.requestTimeout().toMillis()));
    }

    /** Sends one request and reads its answer: null when it was a 2xx, else what failed ({@code http_503}, an exception's name). */
    private static String send(HttpConnection client, byte[] req) {
        try {
            int status = client.exchange(req, 0).status();
            return status / 100 == 2 ? null : "http_" + status;
        } catch (IOException e) {
            return e.getClass().getSimpleName();
        }
    }
}
