package dev.starling.server.ai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import dev.starling.server.http.EventStream;

/**
 * Server-sent events for an answer: {@code event: token} ({@code {"text": ...}}) as text is written,
 * {@code event: citations}, then {@code event: done} with the whole answer, or {@code event: error}
 * ({@code {"error": ..., "status": ...}}). Headers go out with the first event, so a failure before any text can
 * still be a plain JSON error response. A client that goes away marks the stream broken; the generation is then
 * cancelled.
 */
final class AiEventStream {

    private final ObjectMapper mapper;
    private final EventStream stream;

    AiEventStream(Context ctx, ObjectMapper mapper) {
        this.stream = new EventStream(ctx);
        this.mapper = mapper;
    }

    boolean started() {
        return stream.started();
    }

    boolean broken() {
        return stream.broken();
    }

    void send(String event, Object data) {
        String json;
        try {
            json = mapper.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize an SSE event", e);
        }
        write("event: " + event + "\ndata: " + json + "\n\n");
    }

    private void write(String event) {
        stream.write(event);
    }
}
