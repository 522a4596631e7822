package dev.starling.ai.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.starling.ai.chat.ChatMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How {@link OpenAiHttpBackend} copes with upstream servers that fail or misbehave. The upstream is a real HTTP
 * server on port 0 (the JDK's) answering with fixed statuses and bodies; the well-behaved case is covered by the
 * backend contract against Starling's own /v1.
 */
class OpenAiHttpBackendFailuresTest {

    private HttpServer server;
    private final AtomicReference<Reply> reply = new AtomicReference<>();
    private final AtomicReference<String> lastBody = new AtomicReference<>();

    private record Reply(int status, String contentType, String body, long delayMillis) {
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1", exchange -> {
            lastBody.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            Reply r = reply.get();
            try {
                Thread.sleep(r.delayMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", r.contentType());
            exchange.sendResponseHeaders(r.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private OpenAiHttpBackend backend(long timeoutMillis) {
        return new OpenAiHttpBackend("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/", "k", 1_000,
                timeoutMillis);
    }

    private static final ChatRequest CHAT = new ChatRequest("m", List.of(ChatMessage.user("hi")),
            SamplingParams.greedy(4).withStop(List.of("END")));

    private BackendError chatError(Reply r, DeltaListener listener) {
        reply.set(r);
        try (OpenAiHttpBackend b = backend(5_000)) {
            BackendResult<Completion> result = b.chat(CHAT, listener);
            return assertInstanceOf(BackendResult.Err.class, result, () -> "expected an error: " + result).error();
        }
    }

    @Test
    void serverErrorsAreUpstreamErrorsKeepingTheirText() {
        BackendError e = chatError(new Reply(500, "text/html", "<h1>boom</h1>", 0), DeltaListener.NONE);
        assertEquals(BackendError.Kind.UPSTREAM, e.kind());
        assertTrue(e.message().contains("HTTP 500") && e.message().contains("boom"), e.message());
    }

    @Test
    void openAiErrorBodiesKeepTheirMessageParamAndCode() {
        String body = "{\"error\": {\"message\": \"This model's maximum context length is 8 tokens\","
                + " \"type\": \"invalid_request_error\", \"param\": \"messages\", \"code\": \"context_length_exceeded\"}}";
        BackendError e = chatError(new Reply(400, "application/json", body, 0), DeltaListener.NONE);
        assertEquals(BackendError.Kind.CONTEXT_LENGTH_EXCEEDED, e.kind());
        assertEquals("messages", e.param());
        assertTrue(e.message().contains("maximum context length"), e.message());
        assertEquals(BackendError.Kind.OVERLOADED,
                chatError(new Reply(429, "application/json", "{\"error\": {\"message\": \"slow down\"}}", 0),
                        DeltaListener.NONE).kind());
    }

    @Test
    void nonJsonAnswersAreUpstreamErrors() {
        BackendError e = chatError(new Reply(200, "application/json", "<html>proxy login</html>", 0),
                DeltaListener.NONE);
        assertEquals(BackendError.Kind.UPSTREAM, e.kind());
        assertTrue(e.message().contains("not JSON"), e.message());
    }

    @Test
    void anErrorEventInTheStreamEndsTheCallWithItsMessage() {
        String sse = "data: {\"model\": \"m\", \"choices\": [{\"delta\": {\"content\": \"Hel\"}}]}\n\n"
                + "data: {\"error\": {\"message\": \"worker crashed\"}}\n\n";
        List<String> deltas = new ArrayList<>();
        BackendError e = chatError(new Reply(200, "text/event-stream", sse, 0), deltas::add);
        assertEquals(BackendError.Kind.UPSTREAM, e.kind());
        assertTrue(e.message().contains("worker crashed"), e.message());
        assertEquals(List.of("Hel"), deltas);
    }

    @Test
    void streamsWithCommentsKeepAlivesAndUsageAreRead() {
        String sse = ": keep-alive\n\n"
                + "data: {\"model\": \"m\", \"choices\": [{\"delta\": {\"role\": \"assistant\", \"content\": \"\"}}]}\n\n"
                + "\n"
                + "data: {\"model\": \"m\", \"choices\": [{\"delta\": {\"content\": \"Hello\"}, \"finish_reason\": null}]}\n\n"
                + "data: {\"model\": \"m\", \"choices\": [{\"delta\": {\"content\": \" world\"}}]}\n\n"
                + "data: {\"model\": \"m\", \"choices\": [{\"delta\": {}, \"finish_reason\": \"length\"}]}\n\n"
                + "data: {\"model\": \"m\", \"choices\": [], \"usage\": {\"prompt_tokens\": 5, \"completion_tokens\": 2}}\n\n"
                + "data: [DONE]\n\n";
        reply.set(new Reply(200, "text/event-stream", sse, 0));
        List<String> deltas = new ArrayList<>();
        try (OpenAiHttpBackend b = backend(5_000)) {
            Completion c = b.chat(CHAT, deltas::add).orElseThrow();
            assertEquals("Hello world", c.text());
            assertEquals(List.of("Hello", " world"), deltas);
            assertEquals(FinishReason.LENGTH, c.finishReason());
            assertEquals(new Usage(5, 2), c.usage());
        }
        assertTrue(lastBody.get().contains("\"stream\":true") && lastBody.get().contains("\"stop\":[\"END\"]"),
                lastBody.get());
    }

    @Test
    void aSlowServerTimesOutAsUnavailable() {
        reply.set(new Reply(200, "application/json", "{}", 3_000));
        try (OpenAiHttpBackend b = backend(300)) {
            long t0 = System.nanoTime();
            BackendError e = assertInstanceOf(BackendResult.Err.class, b.models()).error();
            assertEquals(BackendError.Kind.UNAVAILABLE, e.kind());
            assertTrue(e.message().contains("300 ms"), e.message());
            assertTrue((System.nanoTime() - t0) / 1_000_000 < 2_500, "the timeout was not enforced");
        }
    }

    @Test
    void aClosedPortIsUnavailable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (OpenAiHttpBackend b = new OpenAiHttpBackend("http://127.0.0.1:" + port + "/v1", null, 1_000, 2_000)) {
            BackendError e = assertInstanceOf(BackendResult.Err.class, b.models()).error();
            assertEquals(BackendError.Kind.UNAVAILABLE, e.kind());
        }
    }

    @Test
    void embeddingsThatDoNotMatchTheInputsAreRejected() {
        reply.set(new Reply(200, "application/json",
                "{\"data\": [{\"embedding\": [1.0, 0.0], \"index\": 0}], \"usage\": {\"prompt_tokens\": 2}}", 0));
        try (OpenAiHttpBackend b = backend(5_000)) {
            BackendError e = assertInstanceOf(BackendResult.Err.class,
                    b.embed(new EmbeddingRequest("m", List.of("a", "b")))).error();
            assertEquals(BackendError.Kind.UPSTREAM, e.kind());
            assertTrue(e.message().contains("1 embeddings for 2 inputs"), e.message());
        }
    }

    @Test
    void badBaseUrlsAreRefusedUpFront() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new OpenAiHttpBackend("ftp://x/v1", null, 1, 1));
        assertTrue(e.getMessage().contains("http"), e.getMessage());
    }
}
