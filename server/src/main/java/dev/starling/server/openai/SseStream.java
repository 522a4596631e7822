package dev.starling.server.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A server-sent event stream as OpenAI sends it: {@code data: {json}\n\n} per chunk, {@code data: [DONE]\n\n} at
 * the end. Headers go out with the first event, so an error found before any output can still be a plain JSON
 * error response. A client that goes away marks the stream {@link #broken()} and later writes are dropped.
 */
final class SseStream {

    private final Context ctx;
    private OutputStream out;
    private boolean broken;

    SseStream(Context ctx) {
        this.ctx = ctx;
    }

    boolean started() {
        return out != null;
    }

    boolean broken() {
        return broken;
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
        if (broken) {
            return;
        }
        try {
            if (out == null) {
                ctx.status(200);
                ctx.contentType("text/event-stream; charset=utf-8");
                ctx.header("Cache-Control", "no-cache");
                ctx.header("X-Accel-Buffering", "no");
                out = ctx.res().getOutputStream();
            }
            out.write(event.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException | RuntimeException e) {
            broken = true;
        }
    }
}
