package dev.starling.server.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.ai.backend.LocalBackend;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.gguf.GgufMetadata;
import dev.starling.llm.gguf.GgufValueType;
import dev.starling.llm.synth.ModelVocabulary;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat template inside a model file decides how conversations are rendered, and it is untrusted: its own
 * rejections (Gemma refuses system messages) and a hostile template both come back as 400s, and the server goes
 * on serving.
 */
class OpenAiChatTemplateErrorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A tiny random model whose GGUF carries {@code template} as tokenizer.chat_template. */
    private Path modelWithTemplate(String name, String template) throws Exception {
        ModelVocabulary base = ModelVocabulary.synthetic(512);
        Map<String, GgufMetadata.Entry> other = new LinkedHashMap<>(base.other());
        other.put("tokenizer.chat_template", new GgufMetadata.Entry(GgufValueType.STRING, null, template));
        ModelVocabulary vocab = new ModelVocabulary(base.model(), base.pre(), base.tokens(), base.types(),
                base.scores(), base.merges(), other);
        Path file = dir.resolve(name + ".gguf");
        SyntheticModel.write(Shape.TINY_LLAMA, GgmlType.F32, vocab, 5, file);
        return file;
    }

    private static HttpResponse<String> chat(String baseUrl, String messages) throws Exception {
        String body = "{\"model\": \"m\", \"max_tokens\": 3, \"temperature\": 0, \"messages\": " + messages + "}";
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void gemmasOwnRejectionIsA400WithItsMessage() throws Exception {
        Path gemma = Path.of(System.getProperty("starling.shared.dir", "../shared"), "data", "chat-templates",
                "google-gemma-2-2b-it.jinja");
        Assumptions.assumeTrue(Files.isReadable(gemma), () -> "skipped: " + gemma + " is absent");
        Path model = modelWithTemplate("gemma-like", Files.readString(gemma));
        try (LocalBackend local = LocalBackend.open(model, LocalBackend.Options.defaults().withModelId("m"));
             OpenAiTestServer server = new OpenAiTestServer(local, OpenAiLimits.DEFAULT)) {
            HttpResponse<String> refused = chat(server.baseUrl(),
                    "[{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"Hi\"}]");
            assertEquals(400, refused.statusCode(), refused.body());
            JsonNode error = JSON.readTree(refused.body()).get("error");
            assertEquals("invalid_request_error", error.get("type").asText());
            assertEquals("messages", error.get("param").asText());
            assertTrue(error.get("message").asText().contains("System role not supported"), refused.body());

            HttpResponse<String> fine = chat(server.baseUrl(), "[{\"role\": \"user\", \"content\": \"Hi\"}]");
            assertEquals(200, fine.statusCode(), fine.body());
        }
    }

    @Test
    void aHostileTemplateCannotReachJavaAndTheServerKeepsServing() throws Exception {
        String hostile = "{{ ''.getClass().forName('java.lang.Runtime').getRuntime().exec('touch "
                + dir.resolve("pwned") + "') }}{% for m in messages %}{{ m.content }}{% endfor %}";
        Path model = modelWithTemplate("hostile", hostile);
        try (LocalBackend local = LocalBackend.open(model, LocalBackend.Options.defaults().withModelId("m"));
             OpenAiTestServer server = new OpenAiTestServer(local, OpenAiLimits.DEFAULT)) {
            HttpResponse<String> r = chat(server.baseUrl(), "[{\"role\": \"user\", \"content\": \"Hi\"}]");
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(r.body().contains("template sandbox"), r.body());
            assertTrue(Files.notExists(dir.resolve("pwned")), "the template ran a command");
            HttpResponse<String> models = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/models")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, models.statusCode());
        }
    }
}
