package dev.starling.app.loadbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generator against a real HTTP server on port 0 (the JDK's), which answers after a known
 * delay and fails one token on purpose: counts, errors, latencies and connections must add up.
 */
class LoadGeneratorTest {
    private static final long DELAY_MILLIS = 3;
    private static final BenchToken GOOD_A = new BenchToken(1, "good-token-aaaaaaaaaaaa");
    private static final BenchToken GOOD_B = new BenchToken(2, "good-token-bbbbbbbbbbbb");
    private static final BenchToken BAD = new BenchToken(3, "bad-token-cccccccccccccc");

    private HttpServer server;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    private final Set<String> problems = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/api/v1/timelines/home", ex -> handle(ex, "GET"));
        server.createContext("/api/v1/statuses", ex -> handle(ex, "POST"));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange ex, String method) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            requests.incrementAndGet();
            clientPorts.add(ex.getRemoteAddress().getPort());
            byte[] body = ex.getRequestBody().readAllBytes();
            if (!ex.getRequestMethod().equals(method)) {
                problems.add("method " + ex.getRequestMethod());
            }
            if (method.equals("GET") && !"limit=20".equals(ex.getRequestURI().getQuery())) {
                problems.add("query " + ex.getRequestURI().getQuery());
            }
            if (method.equals("POST")) {
                String form = new String(body, StandardCharsets.UTF_8);
                String ct = ex.getRequestHeaders().getFirst("Content-Type");
                if (!"application/x-www-form-urlencoded".equals(ct)) {
                    problems.add("content type " + ct);
                }
                String status = null;
                for (String pair : form.split("&")) {
                    if (pair.startsWith("status=")) {
                        status = URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8);
                    }
                }
                if (status == null || status.isBlank() || status.length() > PostTexts.MAX_CHARS || !form.contains("visibility=public")) {
                    problems.add("form " + form);
                }
            }
            Thread.sleep(DELAY_MILLIS);
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            int code = ("Bearer " + BAD.token()).equals(auth) ? 500 : auth != null && auth.startsWith("Bearer good-token-") ? 200 : 401;
            byte[] out = "[]".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(code, out.length);
            ex.getResponseBody().write(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
            ex.close();
        }
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @Test
    void homeWorkloadCountsOkErrorsAndLatencies() throws InterruptedException {
        int connections = 4;
        LoadGenerator.Config cfg = new LoadGenerator.Config(base(), List.of(GOOD_A, GOOD_B, BAD), Workload.HOME, connections,
                Duration.ofMillis(300), Duration.ofMillis(1200), Duration.ofSeconds(5), 7);
        LoadResult r = LoadGenerator.run(cfg);
        assertTrue(problems.isEmpty(), problems.toString());
        assertTrue(r.ok() > 50, "too few requests: " + r.describe());
        assertTrue(r.errors() > 10, r.describe());
        assertEquals(r.errors(), r.errorsByKind().get("http_500"), r.describe());
        // a third of the requests use the failing token; allow generous randomness
        double errorShare = (double) r.errors() / (r.errors() + r.ok());
        assertTrue(errorShare > 0.2 && errorShare < 0.5, "error share " + errorShare);
        // the server saw at least the measured ones (plus the warm-up)
        assertTrue(requests.get() >= r.ok() + r.errors(), requests.get() + " < " + (r.ok() + r.errors()));
        // every latency includes the server's delay; and throughput is at most what C workers can do
        assertTrue(r.latencies().minMicros() >= DELAY_MILLIS * 1000, "min " + r.latencies().minMicros());
        double maxPossible = connections * 1000.0 / DELAY_MILLIS;
        assertTrue(r.throughputPerSecond() < maxPossible, r.throughputPerSecond() + " >= " + maxPossible);
        assertEquals(r.ok() / 1.2, r.throughputPerSecond(), 1e-6);
        // a fixed number of connections: never more in flight, one TCP connection per worker
        assertTrue(maxInFlight.get() <= connections, "in flight " + maxInFlight.get());
        assertEquals(connections, clientPorts.size(), "client ports " + clientPorts);
        String line = r.summaryLine();
        assertTrue(line.startsWith("loadbench-result workload=home mode=closed offered_per_s=0.0 late_sends=0 client_late_sends=0 max_client_lag_ms=0.000"
                + " generator_behind=no connections=4 "), line);
        assertTrue(line.contains(" errors_by_kind={http_500=" + r.errors() + "}"), line);
    }

    @Test
    void openLoopKeepsTheOfferedRateAndMeasuresFromTheSchedule() throws InterruptedException {
        // 3 ms answers, 2 connections, 200/s offered: each connection sends every 10 ms and keeps up.
        LoadGenerator.Config cfg = new LoadGenerator.Config(base(), List.of(GOOD_A, GOOD_B), Workload.HOME, 2,
                Duration.ofMillis(200), Duration.ofMillis(1500), Duration.ofSeconds(5), 3, 200);
        LoadResult r = LoadGenerator.run(cfg);
        assertTrue(problems.isEmpty(), problems.toString());
        assertEquals(0, r.errors(), r.describe());
        // exactly the requests scheduled in the window: 1.5 s x 200/s (one either way for the window's edges)
        assertTrue(Math.abs(r.ok() - 300) <= 1, r.describe());
        assertTrue(r.latencies().minMicros() >= DELAY_MILLIS * 1000, r.describe());
        assertTrue(maxInFlight.get() <= 2, "in flight " + maxInFlight.get());
        assertTrue(r.summaryLine().contains(" mode=open offered_per_s=200.0 "), r.summaryLine());
    }

    @Test
    void openLoopCountsTheQueueBehindSlowAnswers() throws InterruptedException {
        // One connection offered 400/s (every 2.5 ms) against 3+ ms answers: it falls further behind with every
        // request. Measured from the schedule, the latencies grow with the backlog (coordinated omission counted);
        // a closed loop would report about 3 ms for every one of them.
        LoadGenerator.Config cfg = new LoadGenerator.Config(base(), List.of(GOOD_A), Workload.HOME, 1,
                Duration.ZERO, Duration.ofMillis(1000), Duration.ofSeconds(5), 5, 400);
        LoadResult r = LoadGenerator.run(cfg);
        assertEquals(0, r.errors(), r.describe());
        assertTrue(r.lateSends() > r.ok() / 2, r.describe());
        // every late send waited for its connection's previous answer: queueing, not the generator's own delay
        assertTrue(r.clientLateSends() <= r.ok() / 100, r.describe());
        assertFalse(r.generatorFellBehind(), r.describe());
        // after 1 s at <= 1/3.x ms served against 1/2.5 ms offered, the last ones waited well over 100 ms
        assertTrue(r.latencies().maxMicros() > 100_000, r.describe());
        assertTrue(r.latencies().percentileMicros(50) > 10 * DELAY_MILLIS * 1000, r.describe());
    }

    @Test
    void pacedOpenLoopSendsExactlyTheScheduleOneShareAConnection() throws InterruptedException {
        // Seeded: a random rate and connection count; each connection's period stays over twice the 3 ms answer, so it
        // keeps up. The count is the schedule's, not a wall-clock estimate: request j is due at start + j / rate, and
        // every one due before the window's end is sent, each connection taking j = i, i + C, ...
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("LoadGeneratorTest paced open loop seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        int connections = 1 + random.nextInt(4);
        double rate = 20 + random.nextInt(connections * 130); // per connection at most 150/s: every 6.7 ms or more
        Duration warmup = Duration.ofMillis(100 + random.nextInt(200));
        Duration measure = Duration.ofMillis(600 + random.nextInt(600));
        LoadGenerator.Config cfg = new LoadGenerator.Config(base(), List.of(GOOD_A, GOOD_B), Workload.HOME, connections,
                warmup, measure, Duration.ofSeconds(5), seed, rate);
        java.util.Map<Integer, AtomicInteger> perPort = new ConcurrentHashMap<>();
        server.removeContext("/api/v1/timelines/home");
        server.createContext("/api/v1/timelines/home", ex -> {
            perPort.computeIfAbsent(ex.getRemoteAddress().getPort(), k -> new AtomicInteger()).incrementAndGet();
            handle(ex, "GET");
        });
        LoadResult r = LoadGenerator.run(cfg);
        String why = "seed " + seed + ": " + r.describe();
        double periodNanos = 1e9 / rate;
        long all = 0;
        long measured = 0;
        for (long j = 0; (long) (j * periodNanos) < (warmup.toNanos() + measure.toNanos()); j++) {
            all++;
            if ((long) (j * periodNanos) >= warmup.toNanos()) {
                measured++;
            }
        }
        assertTrue(problems.isEmpty(), problems.toString());
        assertEquals(0, r.errors(), why);
        assertEquals(measured, r.ok(), why);
        assertEquals(all, requests.get(), why);
        assertEquals(connections, perPort.size(), why + " ports " + perPort);
        for (AtomicInteger n : perPort.values()) {
            // connection i sends j = i, i + C, ...: its share is all / C rounded down or up
            assertTrue(n.get() == all / connections || n.get() == (all + connections - 1) / connections, why + " shares " + perPort);
        }
        assertTrue(maxInFlight.get() <= connections, why);
        assertTrue(r.latencies().minMicros() >= DELAY_MILLIS * 1000, why);
        assertTrue(r.clientLateSends() <= r.lateSends(), why);
        assertTrue(r.clientCpuCores() >= 0, why); // measured over the window (NaN would fail too)
    }

    @Test
    void theWatchdogEndsAnExchangeThatWaitsTooLong() throws InterruptedException {
        // the server answers the bad token after 1.5 s; the generator's timeout is 200 ms: those fail as timeouts,
        // the others go on, and the run ends on time
        server.removeContext("/api/v1/timelines/home");
        server.createContext("/api/v1/timelines/home", ex -> {
            if (("Bearer " + BAD.token()).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                try {
                    Thread.sleep(1500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            handle(ex, "GET");
        });
        LoadGenerator.Config cfg = new LoadGenerator.Config(base(), List.of(GOOD_A, BAD), Workload.HOME, 2,
                Duration.ZERO, Duration.ofMillis(1000), Duration.ofMillis(200), 5);
        long t0 = System.nanoTime();
        LoadResult r = LoadGenerator.run(cfg);
        long tookMillis = (System.nanoTime() - t0) / 1_000_000;
        // half the requests time out (about 210 ms each, with the 10 ms pause after a failure), half take 3 ms
        assertTrue(r.errorsByKind().getOrDefault("SocketTimeoutException", 0L) >= 2, r.describe());
        assertEquals(r.errors(), r.errorsByKind().get("SocketTimeoutException"), r.describe());
        assertTrue(r.ok() >= 2, r.describe());
        assertTrue(r.latencies().maxMicros() < 1_000_000, r.describe());
        assertTrue(tookMillis < 1000 + 200 + 1000, "took " + tookMillis + " ms");
    }

    @Test
    void openLoopRejectsABadRate() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new LoadGenerator.Config(base(),
                List.of(GOOD_A), Workload.HOME, 1, Duration.ZERO, Duration.ofMillis(500), Duration.ofSeconds(5), 1, -1));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new LoadGenerator.Config(base(),
                List.of(GOOD_A), Workload.HOME, 1, Duration.ZERO, Duration.ofMillis(500), Duration.ofSeconds(5), 1, Double.NaN));
    }

    @Test
    void writeWorkloadPostsValidForms() throws InterruptedException {
        LoadGenerator.Config cfg = new LoadGenerator.Config(base(), List.of(GOOD_A, GOOD_B), Workload.WRITE, 2,
                Duration.ZERO, Duration.ofMillis(500), Duration.ofSeconds(5), 11);
        assertNull(LoadGenerator.probe(cfg));
        LoadResult r = LoadGenerator.run(cfg);
        assertTrue(problems.isEmpty(), problems.toString());
        assertTrue(r.ok() > 20, r.describe());
        assertEquals(0, r.errors(), r.describe());
    }

    @Test
    void probeExplainsARejection() {
        LoadGenerator.Config cfg = new LoadGenerator.Config(base(), List.of(BAD), Workload.HOME, 1,
                Duration.ZERO, Duration.ofMillis(500), Duration.ofSeconds(5), 1);
        String problem = LoadGenerator.probe(cfg);
        assertNotNull(problem);
        assertTrue(problem.contains("answered 500"), problem);
    }

    @Test
    void aDeadServerGivesErrorsNotAHang() throws InterruptedException {
        URI dead = base();
        server.stop(0);
        LoadGenerator.Config cfg = new LoadGenerator.Config(dead, List.of(GOOD_A), Workload.HOME, 2,
                Duration.ZERO, Duration.ofMillis(300), Duration.ofSeconds(2), 1);
        LoadResult r = LoadGenerator.run(cfg);
        assertEquals(0, r.ok());
        assertTrue(r.errors() > 0, r.describe());
        assertTrue(r.errorsByKind().containsKey("ConnectException"), r.errorsByKind().toString());
    }
}
