package dev.starling.server.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.ai.backend.BackendError;
import dev.starling.ai.backend.BackendResult;
import dev.starling.ai.backend.Completion;
import dev.starling.ai.backend.DeltaListener;
import dev.starling.ai.backend.Embeddings;
import dev.starling.ai.backend.ModelBackend;
import dev.starling.ai.backend.ModelInfo;
import dev.starling.server.RouteModule;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI-compatible model API over a {@link ModelBackend}: {@code GET /v1/models},
 * {@code POST /v1/chat/completions}, {@code POST /v1/completions} (both with {@code stream: true} as server-sent
 * events ending in {@code data: [DONE]}), {@code POST /v1/embeddings}. Errors use OpenAI's shape
 * {@code {"error": {"message", "type", "param", "code"}}} with 400 for invalid requests, 404 for unknown models.
 * With an API key configured, every request must carry {@code Authorization: Bearer <key>} (401 otherwise).
 */
public final class OpenAiRoutes implements RouteModule {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiRoutes.class);

    private final ModelBackend backend;
    private final OpenAiLimits limits;
    private final Clock clock;
    private final byte[] apiKey;

    /** Open routes: no API key (fit for loopback or a private network). */
    public OpenAiRoutes(ModelBackend backend, OpenAiLimits limits) {
        this(backend, limits, null, Clock.systemUTC());
    }

    /**
     * @param apiKey the bearer key clients must send; null or empty for none
     */
    public OpenAiRoutes(ModelBackend backend, OpenAiLimits limits, String apiKey, Clock clock) {
        this.backend = backend;
        this.limits = limits;
        this.clock = clock;
        this.apiKey = apiKey == null || apiKey.isEmpty() ? null : apiKey.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/models", ctx -> guarded(ctx, () -> models(ctx)));
        routes.get("/v1/models/{model}", ctx -> guarded(ctx, () -> model(ctx)));
        routes.post("/v1/chat/completions", ctx -> guarded(ctx, () -> chat(ctx)));
        routes.post("/v1/completions", ctx -> guarded(ctx, () -> completion(ctx)));
        routes.post("/v1/embeddings", ctx -> guarded(ctx, () -> embeddings(ctx)));
        // Anything else under /v1 answers as OpenAI does, not with the Mastodon API's error shape.
        routes.get("/v1/*", ctx -> guarded(ctx, () -> unknownUrl(ctx)));
        routes.post("/v1/*", ctx -> guarded(ctx, () -> unknownUrl(ctx)));
    }

    private static void unknownUrl(Context ctx) {
        ctx.status(404).json(OpenAiJson.error(new BackendError(BackendError.Kind.INVALID_REQUEST,
                "Unknown request URL: " + ctx.method() + " " + ctx.path(), null)));
    }

    private void guarded(Context ctx, Runnable handler) {
        try {
            if (apiKey != null && !authorized(ctx.header("Authorization"))) {
                ctx.status(401).json(OpenAiJson.unauthorized());
                return;
            }
            handler.run();
        } catch (OpenAiRequests.Invalid e) {
            fail(ctx, e.error());
        } catch (RuntimeException e) {
            LOG.error("OpenAI API: unexpected error on {} {}", ctx.method(), ctx.path(), e);
            fail(ctx, new BackendError(BackendError.Kind.INTERNAL, "Internal server error", null));
        }
    }

    private boolean authorized(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = header.substring(7).strip().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return java.security.MessageDigest.isEqual(given, apiKey);
    }

    private static void fail(Context ctx, BackendError error) {
        ctx.status(error.kind().httpStatus()).json(OpenAiJson.error(error));
    }

    private void models(Context ctx) {
        switch (backend.models()) {
            case BackendResult.Ok<List<ModelInfo>> ok -> ctx.json(OpenAiJson.models(ok.value()));
            case BackendResult.Err<List<ModelInfo>> err -> fail(ctx, err.error());
        }
    }

    private void model(Context ctx) {
        String id = ctx.pathParam("model");
        switch (backend.models()) {
            case BackendResult.Ok<List<ModelInfo>> ok -> {
                var found = ok.value().stream().filter(m -> m.id().equals(id)).findFirst();
                if (found.isPresent()) {
                    ctx.json(OpenAiJson.models(List.of(found.get())).get("data").get(0));
                } else {
                    fail(ctx, BackendError.modelNotFound(id));
                }
            }
            case BackendResult.Err<List<ModelInfo>> err -> fail(ctx, err.error());
        }
    }

    private JsonNode body(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length > limits.maxBodyBytes()) {
            throw new OpenAiRequests.Invalid(null,
                    "the request body is " + bytes.length + " bytes, at most " + limits.maxBodyBytes() + " allowed");
        }
        if (bytes.length == 0) {
            throw new OpenAiRequests.Invalid(null, "the request body is empty; send a JSON object");
        }
        try {
            return OpenAiJson.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new OpenAiRequests.Invalid(null, "the request body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new OpenAiRequests.Invalid(null, "the request body could not be read: " + e.getMessage());
        }
    }

    private void chat(Context ctx) {
        OpenAiRequests.Chat req = OpenAiRequests.chat(body(ctx), limits);
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = clock.instant().getEpochSecond();
        String model = req.request().model();
        if (!req.stream()) {
            respond(ctx, backend.chat(req.request(), DeltaListener.NONE),
                    (c, unused) -> OpenAiJson.chatCompletion(id, created, c));
            return;
        }
        SseStream sse = new SseStream(ctx);
        DeltaListener listener = new DeltaListener() {
            @Override
            public void onDelta(String text) {
                if (!sse.started()) {
                    sse.send(OpenAiJson.chatChunk(id, created, model, "assistant", "", null));
                }
                sse.send(OpenAiJson.chatChunk(id, created, model, null, text, null));
            }

            @Override
            public boolean cancelled() {
                return sse.broken();
            }
        };
        BackendResult<Completion> result = backend.chat(req.request(), listener);
        finishStream(ctx, sse, result, c -> {
            if (!sse.started()) {
                sse.send(OpenAiJson.chatChunk(id, created, c.model(), "assistant", "", null));
            }
            sse.send(OpenAiJson.chatChunk(id, created, c.model(), null, null, c.finishReason()));
            if (req.includeUsage()) {
                sse.send(OpenAiJson.usageChunk(id, "chat.completion.chunk", created, c.model(), c.usage()));
            }
        });
    }

    private void completion(Context ctx) {
        OpenAiRequests.Completion req = OpenAiRequests.completion(body(ctx), limits);
        String id = "cmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = clock.instant().getEpochSecond();
        String model = req.request().model();
        if (!req.stream()) {
            respond(ctx, backend.complete(req.request(), DeltaListener.NONE),
                    (c, unused) -> OpenAiJson.textCompletion(id, created, c));
            return;
        }
        SseStream sse = new SseStream(ctx);
        DeltaListener listener = new DeltaListener() {
            @Override
            public void onDelta(String text) {
                sse.send(OpenAiJson.textChunk(id, created, model, text, null));
            }

            @Override
            public boolean cancelled() {
                return sse.broken();
            }
        };
        BackendResult<Completion> result = backend.complete(req.request(), listener);
        finishStream(ctx, sse, result, c -> {
            sse.send(OpenAiJson.textChunk(id, created, c.model(), "", c.finishReason()));
            if (req.includeUsage()) {
                sse.send(OpenAiJson.usageChunk(id, "text_completion", created, c.model(), c.usage()));
            }
        });
    }

    /** Ends a stream: the last chunks and [DONE], or an error (as JSON if nothing was sent yet, else as an event). */
    private static void finishStream(Context ctx, SseStream sse, BackendResult<Completion> result,
            java.util.function.Consumer<Completion> lastChunks) {
        switch (result) {
            case BackendResult.Ok<Completion> ok -> {
                lastChunks.accept(ok.value());
                sse.done();
            }
            case BackendResult.Err<Completion> err -> {
                if (sse.started()) {
                    sse.send(OpenAiJson.error(err.error()));
                    sse.done();
                } else {
                    fail(ctx, err.error());
                }
            }
        }
    }

    private void embeddings(Context ctx) {
        OpenAiRequests.Embedding req = OpenAiRequests.embedding(body(ctx), limits);
        respond(ctx, backend.embed(req.request()), (Embeddings e, Void unused) -> OpenAiJson.embeddings(e, req.base64()));
    }

    private static <T> void respond(Context ctx, BackendResult<T> result, BiFunction<T, Void, JsonNode> toJson) {
        switch (result) {
            case BackendResult.Ok<T> ok -> ctx.json(toJson.apply(ok.value(), null));
            case BackendResult.Err<T> err -> fail(ctx, err.error());
        }
    }
}
