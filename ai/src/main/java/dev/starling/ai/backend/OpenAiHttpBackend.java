package dev.starling.ai.backend;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.ai.chat.ChatMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Any OpenAI-compatible server (OpenAI, vLLM, llama.cpp's server, another Starling) as a {@link ModelBackend},
 * over {@code java.net.http}. Streaming calls read the server-sent events as they arrive and pass text deltas on.
 * HTTP and network failures become {@link BackendError}s: 400 stays an invalid request (or context length
 * exceeded), 404 an unknown model, 429 overloaded, other statuses an upstream error, connection failures and
 * timeouts unavailable, with the server's own message kept.
 */
public final class OpenAiHttpBackend implements ModelBackend {

    /** Largest response body read, and longest single SSE line. */
    static final int MAX_RESPONSE_BYTES = 64 << 20;
    private static final int MAX_SSE_LINE_CHARS = 4 << 20;

    private final URI baseUri;
    private final String apiKey;
    private final Duration requestTimeout;
    private final HttpClient http;
    private final ObjectMapper mapper = new ObjectMapper();

    /**
     * @param baseUrl              up to and including {@code /v1}, e.g. {@code http://127.0.0.1:8080/v1}
     * @param apiKey               sent as a bearer token; null for none
     * @param connectTimeoutMillis how long to wait for a connection
     * @param requestTimeoutMillis how long a whole call may take (a stream included)
     */
    public OpenAiHttpBackend(String baseUrl, String apiKey, long connectTimeoutMillis, long requestTimeoutMillis) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        String trimmed = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        URI uri = URI.create(trimmed);
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new IllegalArgumentException("base URL must be http(s)://..., got " + baseUrl);
        }
        this.baseUri = uri;
        this.apiKey = apiKey;
        this.requestTimeout = Duration.ofMillis(requestTimeoutMillis);
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis(connectTimeoutMillis))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public BackendResult<List<ModelInfo>> models() {
        return getJson("/models").map(body -> {
            List<ModelInfo> models = new ArrayList<>();
            for (JsonNode m : body.path("data")) {
                models.add(new ModelInfo(m.path("id").asText(), m.path("created").asLong(0),
                        m.path("owned_by").asText("")));
            }
            return models;
        });
    }

    /** Sends the conversation; {@link ChatRequest#copy()} is ignored (a remote model gets no copy mixture). */
    @Override
    public BackendResult<Completion> chat(ChatRequest request, DeltaListener listener) {
        var invalid = request.sampling().validate(Integer.MAX_VALUE);
        if (invalid.isPresent()) {
            return BackendResult.err(invalid.get());
        }
        ObjectNode body = mapper.createObjectNode();
        body.put("model", request.model());
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage m : request.messages()) {
            messages.addObject().put("role", m.role()).put("content", m.content());
        }
        sampling(body, request.sampling());
        return generate("/chat/completions", body, request.model(), listener, true);
    }

    @Override
    public BackendResult<Completion> complete(CompletionRequest request, DeltaListener listener) {
        var invalid = request.sampling().validate(Integer.MAX_VALUE);
        if (invalid.isPresent()) {
            return BackendResult.err(invalid.get());
        }
        ObjectNode body = mapper.createObjectNode();
        body.put("model", request.model());
        body.put("prompt", request.prompt());
        sampling(body, request.sampling());
        return generate("/completions", body, request.model(), listener, false);
    }

    @Override
    public BackendResult<Embeddings> embed(EmbeddingRequest request) {
        if (request.inputs().isEmpty()) {
            return BackendResult.err(BackendError.invalid("input", "no inputs to embed"));
        }
        ObjectNode body = mapper.createObjectNode();
        body.put("model", request.model());
        ArrayNode input = body.putArray("input");
        request.inputs().forEach(input::add);
        body.put("encoding_format", "float");
        return postJson("/embeddings", body).map(json -> {
            List<float[]> vectors = new ArrayList<>();
            for (JsonNode item : json.path("data")) {
                JsonNode values = item.path("embedding");
                float[] v = new float[values.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) values.get(i).asDouble();
                }
                vectors.add(v);
            }
            return new Embeddings(json.path("model").asText(request.model()), vectors,
                    new Usage(json.path("usage").path("prompt_tokens").asInt(0), 0));
        }).flatMap(e -> e.vectors().size() == request.inputs().size() ? BackendResult.ok(e)
                : BackendResult.err(new BackendError(BackendError.Kind.UPSTREAM, "the server returned "
                        + e.vectors().size() + " embeddings for " + request.inputs().size() + " inputs", null)));
    }

    @Override
    public void close() {
        http.close();
    }

    private static void sampling(ObjectNode body, SamplingParams p) {
        body.put("max_tokens", p.maxTokens());
        body.put("temperature", p.temperature());
        body.put("top_p", p.topP());
        if (p.topK() > 0) {
            body.put("top_k", p.topK());
        }
        if (p.minP() > 0) {
            body.put("min_p", p.minP());
        }
        if (p.repetitionPenalty() != 1) {
            body.put("repetition_penalty", p.repetitionPenalty());
        }
        if (p.frequencyPenalty() != 0) {
            body.put("frequency_penalty", p.frequencyPenalty());
        }
        if (p.presencePenalty() != 0) {
            body.put("presence_penalty", p.presencePenalty());
        }
        p.seed().ifPresent(s -> body.put("seed", s));
        if (!p.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            p.stop().forEach(stop::add);
        }
    }

    private BackendResult<Completion> generate(String path, ObjectNode body, String model, DeltaListener listener,
            boolean chat) {
        if (listener == DeltaListener.NONE) {
            return postJson(path, body).map(json -> {
                JsonNode choice = json.path("choices").path(0);
                String text = chat ? choice.path("message").path("content").asText("") : choice.path("text").asText("");
                return new Completion(json.path("model").asText(model), text,
                        FinishReason.fromOpenAi(choice.path("finish_reason").asText("stop")), usage(json.path("usage")));
            });
        }
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        HttpResponse<InputStream> response;
        try {
            response = http.send(request(path).POST(bodyOf(body)).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            return BackendResult.err(networkError(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return BackendResult.err(new BackendError(BackendError.Kind.UNAVAILABLE, "interrupted", null));
        }
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                return BackendResult.err(statusError(response.statusCode(), in.readNBytes(1 << 20)));
            }
            return readStream(in, model, listener, chat);
        } catch (IOException e) {
            return BackendResult.err(networkError(e));
        }
    }

    /** Reads {@code data:} events until {@code [DONE]} (or the end of the body). */
    private BackendResult<Completion> readStream(InputStream in, String model, DeltaListener listener, boolean chat)
            throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        StringBuilder text = new StringBuilder();
        StringBuilder data = new StringBuilder();
        FinishReason finish = null;
        Usage usage = new Usage(0, 0);
        String answeredModel = model;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.length() > MAX_SSE_LINE_CHARS) {
                return BackendResult.err(new BackendError(BackendError.Kind.UPSTREAM,
                        "an event line of the stream is longer than " + MAX_SSE_LINE_CHARS + " characters", null));
            }
            if (line.startsWith("data:")) {
                data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                continue;
            }
            if (!line.isEmpty() || data.isEmpty()) {
                continue; // comments (":"), event/id fields, keep-alive blank lines
            }
            String event = data.toString();
            data.setLength(0);
            if (event.equals("[DONE]")) {
                break;
            }
            JsonNode chunk;
            try {
                chunk = mapper.readTree(event);
            } catch (JsonProcessingException e) {
                return BackendResult.err(new BackendError(BackendError.Kind.UPSTREAM,
                        "the stream sent an event that is not JSON: " + e.getOriginalMessage(), null));
            }
            if (chunk.has("error")) {
                return BackendResult.err(errorFromBody(BackendError.Kind.UPSTREAM, chunk));
            }
            answeredModel = chunk.path("model").asText(answeredModel);
            if (chunk.hasNonNull("usage")) {
                usage = usage(chunk.get("usage"));
            }
            JsonNode choice = chunk.path("choices").path(0);
            if (choice.isMissingNode()) {
                continue;
            }
            String delta = chat ? choice.path("delta").path("content").asText("") : choice.path("text").asText("");
            if (!delta.isEmpty()) {
                text.append(delta);
                listener.onDelta(delta);
            }
            if (choice.hasNonNull("finish_reason")) {
                finish = FinishReason.fromOpenAi(choice.get("finish_reason").asText());
            }
            if (listener.cancelled()) {
                break;
            }
        }
        return BackendResult.ok(new Completion(answeredModel, text.toString(),
                finish == null ? FinishReason.STOP : finish, usage));
    }

    private static Usage usage(JsonNode node) {
        return new Usage(node.path("prompt_tokens").asInt(0), node.path("completion_tokens").asInt(0));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUri + path))
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json");
        if (apiKey != null && !apiKey.isEmpty()) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return b;
    }

    private HttpRequest.BodyPublisher bodyOf(JsonNode body) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a request body", e);
        }
    }

    private BackendResult<JsonNode> getJson(String path) {
        return exchange(request(path).GET().build());
    }

    private BackendResult<JsonNode> postJson(String path, JsonNode body) {
        return exchange(request(path).POST(bodyOf(body)).build());
    }

    private BackendResult<JsonNode> exchange(HttpRequest request) {
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            byte[] bytes;
            try (InputStream in = response.body()) {
                bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
            }
            if (bytes.length > MAX_RESPONSE_BYTES) {
                return BackendResult.err(new BackendError(BackendError.Kind.UPSTREAM,
                        "the response of " + request.uri() + " is larger than " + MAX_RESPONSE_BYTES + " bytes", null));
            }
            if (response.statusCode() != 200) {
                return BackendResult.err(statusError(response.statusCode(), bytes));
            }
            try {
                return BackendResult.ok(mapper.readTree(bytes));
            } catch (JsonProcessingException e) {
                return BackendResult.err(new BackendError(BackendError.Kind.UPSTREAM,
                        request.uri() + " answered with something that is not JSON: " + e.getOriginalMessage(), null));
            }
        } catch (IOException e) {
            return BackendResult.err(networkError(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return BackendResult.err(new BackendError(BackendError.Kind.UNAVAILABLE, "interrupted", null));
        }
    }

    private BackendError statusError(int status, byte[] body) {
        BackendError.Kind kind = switch (status) {
            case 400, 413, 422 -> BackendError.Kind.INVALID_REQUEST;
            case 404 -> BackendError.Kind.MODEL_NOT_FOUND;
            case 429 -> BackendError.Kind.OVERLOADED;
            case 503, 504 -> BackendError.Kind.UNAVAILABLE;
            default -> BackendError.Kind.UPSTREAM;
        };
        try {
            JsonNode json = mapper.readTree(body);
            if (json != null && json.has("error")) {
                BackendError e = errorFromBody(kind, json);
                return new BackendError(e.kind(), e.message(), e.param());
            }
        } catch (IOException ignored) {
            // not JSON: fall through to the raw text
        }
        String text = new String(body, 0, Math.min(body.length, 500), StandardCharsets.UTF_8).strip();
        return new BackendError(kind, "HTTP " + status + " from " + baseUri + (text.isEmpty() ? "" : ": " + text), null);
    }

    private static BackendError errorFromBody(BackendError.Kind kind, JsonNode json) {
        JsonNode error = json.get("error");
        String message = error.isTextual() ? error.asText() : error.path("message").asText("unknown error");
        String param = error.path("param").isTextual() ? error.path("param").asText() : null;
        String code = error.path("code").asText("");
        BackendError.Kind refined = switch (code) {
            case "context_length_exceeded" -> BackendError.Kind.CONTEXT_LENGTH_EXCEEDED;
            case "model_not_found" -> BackendError.Kind.MODEL_NOT_FOUND;
            case "unsupported" -> BackendError.Kind.UNSUPPORTED;
            default -> kind == BackendError.Kind.MODEL_NOT_FOUND && !code.isEmpty() ? BackendError.Kind.UPSTREAM : kind;
        };
        return new BackendError(refined, message, param);
    }

    private BackendError networkError(IOException e) {
        if (e instanceof HttpTimeoutException) {
            return new BackendError(BackendError.Kind.UNAVAILABLE,
                    baseUri + " did not answer within " + requestTimeout.toMillis() + " ms", null);
        }
        if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
            return new BackendError(BackendError.Kind.UNAVAILABLE, "cannot connect to " + baseUri + ": " + e, null);
        }
        return new BackendError(BackendError.Kind.UNAVAILABLE, "I/O error talking to " + baseUri + ": " + e, null);
    }
}
