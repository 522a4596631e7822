package dev.starling.app.loadbench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A closed-loop HTTP load generator: {@code connections} virtual threads, each with its own
 * {@link HttpClient} (HTTP/1.1 keep-alive, so one TCP connection per worker), send requests back
 * to back for a warm-up and then a measured window. A request counts when it both starts and ends
 * inside the measured window; its latency (send to full body received) is recorded in
 * microseconds for 2xx answers, anything else counts as an error by kind.
 *
 * <p>Closed loop means a slow answer delays the worker's next request (coordinated omission): the
 * percentiles are those of the requests made, at the throughput reached, not of an open arrival rate.
 */
public final class LoadGenerator {

    /** How to run. {@code baseUrl} like {@code http://127.0.0.1:8080}. */
    public record Config(URI baseUrl, List<BenchToken> tokens, Workload workload, int connections,
                         Duration warmup, Duration measure, Duration requestTimeout, long seed) {
        public static final int MAX_CONNECTIONS = 1024;

        public Config {
            Objects.requireNonNull(baseUrl, "baseUrl");
            Objects.requireNonNull(workload, "workload");
            if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
                throw new IllegalArgumentException("base URL must be http(s)://host:port, was " + baseUrl);
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
        try (HttpClient client = newClient(config)) {
            BenchToken token = config.tokens().getFirst();
            HttpRequest req = config.workload().request(config.baseUrl(), token, new SplittableRandom(config.seed()), config.requestTimeout());
            HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 == 2) {
                return null;
            }
            String body = r.body() == null ? "" : r.body();
            return config.workload().label() + " answered " + r.statusCode() + " for account " + token.accountId() + ": "
                    + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
        } catch (IOException e) {
            return config.workload().label() + " failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
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
        for (int i = 0; i < config.connections(); i++) {
            LatencyRecorder rec = new LatencyRecorder();
            recorders.add(rec);
            long workerSeed = config.seed() * 0x9E3779B97F4A7C15L + i;
            threads.add(Thread.ofVirtual().name("loadbench-" + i)
                    .start(() -> work(config, new SplittableRandom(workerSeed), rec, errors, measureFromNanos, endNanos)));
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
        return new LoadResult(config.workload(), config.connections(), seconds, LatencyRecorder.merge(recorders), errorCount, byKind);
    }

    private static void work(Config config, SplittableRandom random, LatencyRecorder rec, Map<String, LongAdder> errors,
                             long measureFromNanos, long endNanos) {
        List<BenchToken> tokens = config.tokens();
        try (HttpClient client = newClient(config)) {
            while (true) {
                long t0 = System.nanoTime();
                if (t0 - endNanos >= 0) {
                    return;
                }
                HttpRequest req = config.workload().request(config.baseUrl(), tokens.get(random.nextInt(tokens.size())), random,
                        config.requestTimeout());
                String failure;
                try {
                    HttpResponse<Void> r = client.send(req, HttpResponse.BodyHandlers.discarding());
                    failure = r.statusCode() / 100 == 2 ? null : "http_" + r.statusCode();
                } catch (IOException e) {
                    failure = e.getClass().getSimpleName();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
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

    private static HttpClient newClient(Config config) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.requestTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }
}
