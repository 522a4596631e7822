package dev.starling.server.ai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events for an answer: {@code event: token} ({@code {"text": ...}}) as text is written,
 * {@code event: citations}, then {@code event: done} with the whole answer, or {@code event: error}
 * ({@code {"error": ..., "status": ...}}). Headers go out with the first event, so a failure before any text can
 * still be a plain JSON error response. A client that goes away marks the stream broken; the generation is then
 * cancelled.
 */
final class AiEventStream {

    private final Context ctx;
    private final ObjectMapper mapper;
    private OutputStream out;
    private volatile boolean broken;

    AiEventStream(Context ctx, ObjectMapper mapper) {
        this.ctx = ctx;
        this.mapper = mapper;
    }

    boolean started() {
        return out != null;
    }

    boolean broken() {
        return broken;
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
