package dev.starling.server.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.ai.backend.LocalBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The wire format of /v1: JSON shapes, server-sent events, and OpenAI-shaped errors, checked with raw HTTP. */
class OpenAiApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OpenAiLimits LIMITS = new OpenAiLimits(64 * 1024, 64, 16, 20_000, 8, 4);

    @TempDir
    static Path dir;
    private static LocalBackend local;
    private static OpenAiTestServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        local = LocalBackend.open(ModelBackendContract.writeTinyModel(dir),
                LocalBackend.Options.defaults().withModelId("tiny"));
        server = new OpenAiTestServer(local, LIMITS);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (local != null) {
            local.close();
        }
    }

    private record Reply(int status, String contentType, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }
    }

    private static Reply send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path));
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    private static String chatBody(String extra) {
        return """
                {"model": "tiny", "messages": [{"role": "system", "content": "Be brief."},
                 {"role": "user", "content": [{"type": "text", "text": "Hello"}, {"type": "text", "text": " there"}]}],
                 "temperature": 0, "max_tokens": 8%s}""".formatted(extra);
    }

    /** The data payloads of an SSE body, checking the framing on the way. */
    private static List<String> events(Reply reply) {
        assertTrue(reply.contentType().startsWith("text/event-stream"), reply.contentType());
        assertTrue(reply.body().endsWith("data: [DONE]\n\n"), "must end with [DONE]: " + reply.body());
        List<String> data = new ArrayList<>();
        for (String event : reply.body().split("\n\n")) {
            assertTrue(event.startsWith("data: "), "event without data: '" + event + "'");
            data.add(event.substring(6));
        }
        return data;
    }

    @Test
    void listsModels() throws Exception {
        Reply r = send("GET", "/models", null);
        assertEquals(200, r.status());
        JsonNode json = r.json();
        assertEquals("list", json.get("object").asText());
        JsonNode model = json.get("data").get(0);
        assertEquals("tiny", model.get("id").asText());
        assertEquals("model", model.get("object").asText());
        assertTrue(model.get("created").asLong() > 1_600_000_000L);
        assertEquals("starling", model.get("owned_by").asText());
        assertEquals("tiny", send("GET", "/models/tiny", null).json().get("id").asText());
        assertEquals(404, send("GET", "/models/other", null).status());
    }

    @Test
    void chatCompletionHasOpenAisShape() throws Exception {
        Reply r = send("POST", "/chat/completions", chatBody(""));
        assertEquals(200, r.status(), r.body());
        JsonNode json = r.json();
        assertTrue(json.get("id").asText().startsWith("chatcmpl-"));
        assertEquals("chat.completion", json.get("object").asText());
        assertEquals("tiny", json.get("model").asText());
        JsonNode choice = json.get("choices").get(0);
        assertEquals(0, choice.get("index").asInt());
        assertEquals("assistant", choice.get("message").get("role").asText());
        assertTrue(choice.get("message").get("content").isTextual());
        assertTrue(choice.has("logprobs"));
        assertTrue(List.of("stop", "length").contains(choice.get("finish_reason").asText()));
        JsonNode usage = json.get("usage");
        assertEquals(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt(),
                usage.get("total_tokens").asInt());
    }

    @Test
    void streamedChatIsServerSentEventsEndingInDone() throws Exception {
        String expected = send("POST", "/chat/completions", chatBody("")).json()
                .get("choices").get(0).get("message").get("content").asText();
        Reply r = send("POST", "/chat/completions", chatBody(", \"stream\": true, \"stream_options\": {\"include_usage\": true}"));
        assertEquals(200, r.status(), r.body());
        List<String> data = events(r);
        assertEquals("[DONE]", data.getLast());
        StringBuilder content = new StringBuilder();
        String finish = null;
        JsonNode usage = null;
        for (int i = 0; i < data.size() - 1; i++) {
            JsonNode chunk = JSON.readTree(data.get(i));
            assertEquals("chat.completion.chunk", chunk.get("object").asText());
            if (chunk.get("choices").isEmpty()) {
                usage = chunk.get("usage");
                continue;
            }
            JsonNode choice = chunk.get("choices").get(0);
            if (i == 0) {
                assertEquals("assistant", choice.get("delta").get("role").asText());
            }
            content.append(choice.get("delta").path("content").asText(""));
            if (!choice.get("finish_reason").isNull()) {
                finish = choice.get("finish_reason").asText();
            }
        }
        assertEquals(expected, content.toString());
        assertNotNull(finish, "no chunk carried a finish_reason");
        assertNotNull(usage, "include_usage asked for a usage chunk");
        assertTrue(usage.get("completion_tokens").asInt() >= 1);
    }

    @Test
    void textCompletionsStreamAndAnswerAlike() throws Exception {
        String body = "{\"model\": \"tiny\", \"prompt\": \"Once upon a time\", \"max_tokens\": 6, \"temperature\": 0%s}";
        JsonNode plain = send("POST", "/completions", body.formatted("")).json();
        assertEquals("text_completion", plain.get("object").asText());
        assertTrue(plain.get("id").asText().startsWith("cmpl-"));
        String text = plain.get("choices").get(0).get("text").asText();
        List<String> data = events(send("POST", "/completions", body.formatted(", \"stream\": true")));
        StringBuilder streamed = new StringBuilder();
        for (String d : data.subList(0, data.size() - 1)) {
            streamed.append(JSON.readTree(d).get("choices").get(0).get("text").asText());
        }
        assertEquals(text, streamed.toString());
    }

    @Test
    void embeddingsAsFloatsAndAsBase64Agree() throws Exception {
        JsonNode floats = send("POST", "/embeddings", "{\"model\": \"tiny\", \"input\": [\"hello\", \"world\"]}").json();
        assertEquals("list", floats.get("object").asText());
        assertEquals(2, floats.get("data").size());
        JsonNode first = floats.get("data").get(0);
        assertEquals("embedding", first.get("object").asText());
        assertEquals(0, first.get("index").asInt());
        JsonNode base64 = send("POST", "/embeddings",
                "{\"model\": \"tiny\", \"input\": \"hello\", \"encoding_format\": \"base64\"}").json();
        byte[] raw = Base64.getDecoder().decode(base64.get("data").get(0).get("embedding").asText());
        ByteBuffer buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(first.get("embedding").size() * 4, raw.length);
        for (int i = 0; i < first.get("embedding").size(); i++) {
            assertEquals((float) first.get("embedding").get(i).asDouble(), buf.getFloat(), 0f);
        }
        assertTrue(floats.get("usage").get("prompt_tokens").asInt() >= 2);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            not json                 | `{"model": "tiny", "messages": [`                                              | 400 |             | invalid_request_error
            no model                 | `{"messages": [{"role": "user", "content": "hi"}]}`                           | 400 | model       | invalid_request_error
            no messages              | `{"model": "tiny", "messages": []}`                                          | 400 | messages    | invalid_request_error
            bad role                 | `{"model": "tiny", "messages": [{"role": "wizard", "content": "hi"}]}`         | 400 | messages    | invalid_request_error
            content not text         | `{"model": "tiny", "messages": [{"role": "user", "content": 42}]}`           | 400 | messages    | invalid_request_error
            temperature is a string  | `{"model": "tiny", "messages": [{"role": "user", "content": "hi"}], "temperature": "hot"}` | 400 | temperature | invalid_request_error
            temperature too high     | `{"model": "tiny", "messages": [{"role": "user", "content": "hi"}], "temperature": 9}` | 400 | temperature | invalid_request_error
            max_tokens over the cap  | `{"model": "tiny", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 65}` | 400 | max_tokens  | invalid_request_error
            n of two                 | `{"model": "tiny", "messages": [{"role": "user", "content": "hi"}], "n": 2}`    | 400 | n           | invalid_request_error
            tools                    | `{"model": "tiny", "messages": [{"role": "user", "content": "hi"}], "tools": [{"type": "function"}]}` | 400 | tools | invalid_request_error
            empty stop               | `{"model": "tiny", "messages": [{"role": "user", "content": "hi"}], "stop": [""]}` | 400 | stop | invalid_request_error
            unknown model            | `{"model": "gpt-9", "messages": [{"role": "user", "content": "hi"}]}`         | 404 | model       | invalid_request_error
            """)
    void chatRejectionsAreOpenAiErrors(String name, String body, int status, String param, String type)
            throws Exception {
        Reply r = send("POST", "/chat/completions", body);
        assertEquals(status, r.status(), name + ": " + r.body());
        JsonNode error = r.json().get("error");
        assertNotNull(error, r.body());
        assertFalse(error.get("message").asText().isBlank());
        assertEquals(type, error.get("type").asText());
        assertTrue(error.has("param") && error.has("code"), r.body());
        assertEquals(param, error.get("param").isNull() ? null : error.get("param").asText(), r.body());
    }

    @Test
    void limitsOnSizeAreEnforced() throws Exception {
        StringBuilder many = new StringBuilder("{\"model\": \"tiny\", \"messages\": [");
        for (int i = 0; i < 9; i++) {
            many.append(i == 0 ? "" : ",").append("{\"role\": \"user\", \"content\": \"hi\"}");
        }
        Reply tooMany = send("POST", "/chat/completions", many + "]}");
        assertEquals(400, tooMany.status());
        assertTrue(tooMany.json().get("error").get("message").asText().contains("at most 8 messages"));

        String bigPrompt = "{\"model\": \"tiny\", \"prompt\": \"" + "x".repeat(20_001) + "\"}";
        Reply tooLong = send("POST", "/completions", bigPrompt);
        assertEquals(400, tooLong.status());
        assertEquals("prompt", tooLong.json().get("error").get("param").asText());

        String hugeBody = "{\"model\": \"tiny\", \"prompt\": \"hi\", \"pad\": \"" + "x".repeat(70_000) + "\"}";
        Reply tooBig = send("POST", "/completions", hugeBody);
        assertEquals(400, tooBig.status());
        assertTrue(tooBig.json().get("error").get("message").asText().contains("bytes"), tooBig.body());

        Reply tooManyInputs = send("POST", "/embeddings", "{\"model\": \"tiny\", \"input\": [\"a\",\"b\",\"c\",\"d\",\"e\"]}");
        assertEquals(400, tooManyInputs.status());
    }

    @Test
    void aPromptPastTheContextIsContextLengthExceeded() throws Exception {
        String prompt = "word ".repeat(3_000);
        Reply r = send("POST", "/completions", "{\"model\": \"tiny\", \"prompt\": \"" + prompt + "\", \"max_tokens\": 4}");
        assertEquals(400, r.status(), r.body());
        assertEquals("context_length_exceeded", r.json().get("error").get("code").asText());
    }

    @Test
    void aStreamThatFailsBeforeOutputIsAPlainError() throws Exception {
        Reply r = send("POST", "/chat/completions",
                "{\"model\": \"nope\", \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
        assertEquals(404, r.status());
        assertEquals("model_not_found", r.json().get("error").get("code").asText());
    }

    @Test
    void anApiKeyWhenConfiguredIsRequired() throws Exception {
        try (OpenAiTestServer keyed = new OpenAiTestServer(new OpenAiRoutes(local, LIMITS, "s3cret",
                java.time.Clock.systemUTC()))) {
            HttpRequest.Builder models = HttpRequest.newBuilder(URI.create(keyed.baseUrl() + "/models"));
            HttpResponse<String> none = HTTP.send(models.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, none.statusCode());
            assertEquals("invalid_api_key", JSON.readTree(none.body()).get("error").get("code").asText());
            HttpResponse<String> wrong = HTTP.send(models.header("Authorization", "Bearer nope").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, wrong.statusCode());
            HttpResponse<String> right = HTTP.send(HttpRequest.newBuilder(URI.create(keyed.baseUrl() + "/models"))
                    .header("Authorization", "Bearer s3cret").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, right.statusCode(), right.body());
        }
    }

    @Test
    void unknownV1PathsAnswerInOpenAisShape() throws Exception {
        Reply r = send("POST", "/assistants", "{}");
        assertEquals(404, r.status());
        assertTrue(r.json().get("error").get("message").asText().contains("/v1/assistants"), r.body());
        assertEquals("invalid_request_error", r.json().get("error").get("type").asText());
        assertEquals(200, send("GET", "/models", null).status(), "the specific routes still win");
    }
}
