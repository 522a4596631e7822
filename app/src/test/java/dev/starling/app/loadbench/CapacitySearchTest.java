package dev.starling.app.loadbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The open-loop capacity search: its verdict per step, its bisection (seeded), and a real server on port 0 whose
 * capacity is known (two connections, answers that take at least 2 ms: at most 1,000 requests per second).
 */
class CapacitySearchTest {
    private static final BenchToken TOKEN = new BenchToken(1, "good-token-aaaaaaaaaaaa");

    /** A result with the given latencies (µs), errors and the generator's own late sends. */
    private static LoadResult result(double rate, long[] micros, long errors, long clientLate) {
        return new LoadResult(Workload.HOME, 4, 1.0, LatencyStats.of(micros), errors, errors > 0 ? Map.of("http_503", errors) : Map.of(),
                rate, clientLate, clientLate, clientLate > 0 ? 5_000 : 0, Double.NaN);
    }

    private static long[] latencies(int n, long micros) {
        long[] v = new long[n];
        java.util.Arrays.fill(v, micros);
        return v;
    }

    @Test
    void aStepKeepsUpOnlyWithoutErrorsOnScheduleAndWithinTheBound() {
        assertNull(CapacitySearch.missed(result(1000, latencies(1000, 900), 0, 0), 20));
        assertNull(CapacitySearch.missed(result(1000, latencies(1000, 20_000), 0, 10), 20)); // 1% late: still on schedule
        String slow = CapacitySearch.missed(result(1000, latencies(1000, 20_001), 0, 0), 20);
        assertNotNull(slow);
        assertTrue(slow.startsWith("p99 20.001 ms over 20.000 ms"), slow);
        String errors = CapacitySearch.missed(result(1000, latencies(1000, 500), 3, 0), 20);
        assertTrue(errors != null && errors.contains("3 errors"), errors);
        LoadResult behind = result(1000, latencies(1000, 500), 0, 11);
        assertTrue(behind.generatorFellBehind());
        String client = CapacitySearch.missed(behind, 20);
        assertTrue(client != null && client.startsWith("the generator fell behind: 11 of 1000"), client);
        assertNotNull(CapacitySearch.missed(result(1000, new long[0], 0, 0), 20));
        // a closed loop is never "behind"
        assertTrue(!new LoadResult(Workload.HOME, 1, 1, LatencyStats.of(latencies(10, 1)), 0, Map.of()).generatorFellBehind());
    }

    @Test
    void bisectionFindsAHiddenCapacityWithinItsResolution() throws InterruptedException {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("CapacitySearchTest seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 200; round++) {
            double upper = 10 + random.nextInt(100_000);
            int steps = 1 + random.nextInt(CapacitySearch.MAX_STEPS);
            double hidden = random.nextDouble() * upper * 1.2; // sometimes above the range
            List<Double> asked = new ArrayList<>();
            CapacitySearch.Outcome o = CapacitySearch.search(upper, steps, 20, rate -> {
                asked.add(rate);
                return result(rate, latencies(100, rate <= hidden ? 1_000 : 500_000), 0, 0);
            });
            String why = "seed " + seed + " round " + round + " upper " + upper + " steps " + steps + " hidden " + hidden + " asked " + asked;
            assertTrue(o.capacityPerSecond() <= hidden, why);
            assertTrue(o.steps().size() <= steps && o.steps().size() == asked.size(), why);
            // within the bisection's resolution (and the rounding to whole rates) of the hidden capacity, or of the top
            double resolution = upper / Math.pow(2, o.steps().size()) + o.steps().size();
            assertTrue(Math.min(hidden, upper) - o.capacityPerSecond() <= resolution, why + " found " + o.capacityPerSecond());
            if (hidden >= upper) {
                assertTrue(o.atTop(), why);
            }
            for (CapacitySearch.Step s : o.steps()) {
                assertEquals(s.ratePerSecond() <= hidden, s.keptUp(), why);
            }
        }
    }

    @Test
    void rejectsABadRange() {
        assertThrows(IllegalArgumentException.class, () -> CapacitySearch.search(1, 4, 20, r -> null));
        assertThrows(IllegalArgumentException.class, () -> CapacitySearch.search(100, 0, 20, r -> null));
        assertThrows(IllegalArgumentException.class, () -> CapacitySearch.search(100, 4, 0, r -> null));
        assertThrows(IllegalArgumentException.class, () -> CapacitySearch.search(Double.NaN, 4, 20, r -> null));
    }

    /**
     * A minimal HTTP/1.1 server on port 0: one platform thread per connection, each request answered after
     * {@code delayMillis} with {@code []} in one write (TCP_NODELAY): its capacity is connections / delay. (The JDK's
     * HttpServer leaves Nagle on, and its split writes then wait for delayed ACKs: tens of ms, now and then.)
     */
    private static final class SlowServer implements AutoCloseable {
        private final java.net.ServerSocket listener;
        private final long delayMillis;

        SlowServer(long delayMillis) throws IOException {
            this.delayMillis = delayMillis;
            listener = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofPlatform().daemon().name("slow-server-accept").start(this::accept);
        }

        int port() {
            return listener.getLocalPort();
        }

        private void accept() {
            while (!listener.isClosed()) {
                try {
                    java.net.Socket s = listener.accept();
                    s.setTcpNoDelay(true);
                    Thread.ofPlatform().daemon().name("slow-server-conn").start(() -> serve(s));
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private void serve(java.net.Socket s) {
            byte[] answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n[]"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            try (s; var in = new java.io.BufferedInputStream(s.getInputStream()); var out = s.getOutputStream()) {
                int matched = 0;
                int b;
                while ((b = in.read()) >= 0) {
                    // a request without a body ends with CRLF CRLF
                    matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
                    if (matched == 4) {
                        matched = 0;
                        Thread.sleep(delayMillis);
                        out.write(answer);
                        out.flush();
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the client went away
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }

    @Test
    void findsTheCapacityOfARealServer() throws IOException, InterruptedException {
        try (SlowServer server = new SlowServer(2)) {
            URI base = URI.create("http://127.0.0.1:" + server.port());
            // two connections, one answer at a time each, 2 ms or more an answer: at most 1,000/s. A bound of 50 ms:
            // over the capacity, the queue's growth through a 1 s step gives well over 100 ms
            CapacitySearch.Outcome o = CapacitySearch.search(2000, 4, 50, rate -> LoadGenerator.run(new LoadGenerator.Config(base,
                    List.of(TOKEN), Workload.HOME, 2, Duration.ofMillis(200), Duration.ofMillis(800), Duration.ofSeconds(5), 1, rate)));
            StringBuilder steps = new StringBuilder();
            for (CapacitySearch.Step s : o.steps()) {
                steps.append(s.brief()).append(s.keptUp() ? "" : " (" + s.missed() + ")").append("; ");
            }
            assertEquals(4, o.steps().size(), steps.toString());
            assertTrue(o.capacityPerSecond() <= 1000, "capacity " + o.capacityPerSecond() + ": " + steps);
            // 1,000 (at or over the capacity), then 500 (a quarter of it per connection); one hiccup of a busy machine
            // at 500 still leaves 250 or 375. On a machine loaded far past its cores (other builds), even 125/s misses
            // 50 ms now and then: that is not this code's result, and the test says so instead of failing.
            if (o.capacityPerSecond() < 250) {
                double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
                int cores = Runtime.getRuntime().availableProcessors();
                org.junit.jupiter.api.Assumptions.assumeTrue(load <= 2 * cores, "the machine is too busy (load average " + load + " on "
                        + cores + " cores) to hold 2 ms answers to 50 ms: " + steps);
            }
            assertTrue(o.capacityPerSecond() >= 250, "capacity " + o.capacityPerSecond() + ": " + steps);
            for (CapacitySearch.Step s : o.steps()) {
                if (s.ratePerSecond() > 1000) {
                    // over the capacity the queue grows through the step: the latency from the schedule shows it
                    assertTrue(!s.keptUp() && s.result().latencies().percentileMicros(99) > 50_000, steps.toString());
                    assertTrue(s.result().lateSends() > s.result().clientLateSends(), steps.toString());
                }
            }
        }
    }
}
