package dev.starling.server.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import dev.starling.server.http.EventStream;

/**
 * A server-sent event stream as OpenAI sends it: {@code data: {json}\n\n} per chunk, {@code data: [DONE]\n\n} at
 * the end. Headers go out with the first event, so an error found before any output can still be a plain JSON
 * error response. A client that goes away marks the stream {@link #broken()} and later writes are dropped.
 */
final class SseStream {

    private final EventStream stream;

    SseStream(Context ctx) {
        this.stream = new EventStream(ctx);
    }

    boolean started() {
        return stream.started();
    }

    boolean broken() {
        return stream.broken();
    }

    void send(JsonNode chunk) {
        try {
            write("data: " + OpenAiJson.MAPPER.writeValueAsString(chunk) + "\n\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize an SSE chunk", e);
        }
    }

    void done() {
        write("data: [DONE]\n\n");
    }

    private void write(String event) {
        stream.write(event);
    }
}
