package dev.starling.app.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An acknowledged post is never lost: runs {@code starling serve} (embedded PostgreSQL with
 * durable commits) as a child process, fires concurrent POST /api/v1/statuses, kills the server
 * JVM and its PostgreSQL with SIGKILL mid-burst, restarts on the same data directory and checks
 * that every status answered with 2xx is there, with its text.
 */
class KillDashNineTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String PASSWORD = "durability test password";

    @Test
    void everyAcknowledgedPostSurvivesKillDashNine(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Path log = tmp.resolve("serve.log");
        String clientId;
        String clientSecret;
        String token;
        Map<String, String> acknowledged = new ConcurrentHashMap<>(); // id -> text
        AtomicInteger failedAfterKill = new AtomicInteger();
        try (ServeProcess first = ServeProcess.start(data, log)) {
            JsonNode app = post(first.baseUrl, "/api/v1/apps", null, Map.of("client_name", "durability", "redirect_uris", "urn:ietf:wg:oauth:2.0:oob",
                    "scopes", "read write")).orElseThrow();
            clientId = app.get("client_id").asText();
            clientSecret = app.get("client_secret").asText();
            String appToken = post(first.baseUrl, "/oauth/token", null, Map.of("grant_type", "client_credentials", "client_id", clientId,
                    "client_secret", clientSecret, "scope", "read write")).orElseThrow().get("access_token").asText();
            token = post(first.baseUrl, "/api/v1/accounts", appToken, Map.of("username", "durable", "email", "durable@example.test",
                    "password", PASSWORD, "agreement", "true")).orElseThrow().get("access_token").asText();

            int threads = 8;
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            for (int t = 0; t < threads; t++) {
                int thread = t;
                pool.submit(() -> {
                    for (int i = 0; !stop.get() && i < 100_000; i++) {
                        String text = "durable post " + thread + "-" + i;
                        try {
                            Optional<JsonNode> s = post(first.baseUrl, "/api/v1/statuses", token, Map.of("status", text));
                            if (s.isPresent()) acknowledged.put(s.get().get("id").asText(), text);
                        } catch (IOException e) {
                            failedAfterKill.incrementAndGet(); // the server died under this request: not acknowledged
                            return null;
                        }
                    }
                    return null;
                });
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (acknowledged.size() < 150 && System.nanoTime() < deadline) Thread.sleep(20);
            int beforeKill = acknowledged.size();
            Optional<ProcessHandle> postmaster = postmaster(data);
            first.kill(); // SIGKILL the server JVM mid-burst
            postmaster.ifPresent(ProcessHandle::destroyForcibly); // and its PostgreSQL: no clean shutdown anywhere
            stop.set(true);
            pool.shutdown();
            assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "writers stopped");
            assertTrue(beforeKill >= 150, "the burst reached 150 acknowledged posts before the kill (got " + beforeKill + "); log:\n" + ServeProcess.tail(log));
            System.out.println("acknowledged " + acknowledged.size() + " posts, " + failedAfterKill.get() + " requests cut by the kill");
        }

        try (ServeProcess second = ServeProcess.start(data, log)) {
            List<String> missing = new ArrayList<>();
            for (Map.Entry<String, String> e : acknowledged.entrySet()) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(second.baseUrl + "/api/v1/statuses/" + e.getKey()))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200 || !JSON.readTree(r.body()).get("content").asText().contains(e.getValue())) {
                    missing.add(e.getKey() + " (" + r.statusCode() + ")");
                }
            }
            assertEquals(List.of(), missing, "acknowledged posts lost after kill -9 (" + missing.size() + " of " + acknowledged.size() + ")");
            // The token issued before the crash is still valid, and sign-in still works.
            JsonNode relogin = post(second.baseUrl, "/oauth/token", null, Map.of("grant_type", "password", "client_id", clientId,
                    "client_secret", clientSecret, "username", "durable", "password", PASSWORD, "scope", "read")).orElseThrow();
            assertTrue(relogin.get("access_token").asText().length() >= 43);
        }
    }

    /** The postmaster of the embedded cluster (first line of postmaster.pid). */
    private static Optional<ProcessHandle> postmaster(Path data) throws IOException {
        Path pid = data.resolve("postgres").resolve("postmaster.pid");
        if (!Files.exists(pid)) return Optional.empty();
        return ProcessHandle.of(Long.parseLong(Files.readAllLines(pid).getFirst().trim()));
    }

    /** POSTs a form; the parsed JSON body on 2xx, empty on another status; IOException when the server is gone. */
    private static Optional<JsonNode> post(String base, String path, String token, Map<String, String> form) throws IOException, InterruptedException {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            if (path.equals("/api/v1/statuses")) return Optional.empty();
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return Optional.of(JSON.readTree(r.body()));
    }
}
