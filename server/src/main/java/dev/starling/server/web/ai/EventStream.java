package dev.starling.server.web.ai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The web app's answer stream ({@code text/event-stream}): {@code event: text} with
 * {@code data: {"text": "..."}} for each piece of the answer as it is written, then one
 * {@code event: final} with {@code data: {"html": "...", "status": n}}, the finished answer rendered
 * by the server (citations linked, sources listed) that replaces the streamed text. Headers go out
 * with the first event. A client that went away marks the stream broken; later writes are dropped
 * and the generation is told to stop ({@link #broken()}).
 */
final class EventStream {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Context ctx;
    private OutputStream out;
    private volatile boolean broken;

    EventStream(Context ctx) {
        this.ctx = ctx;
    }

    boolean broken() {
        return broken;
    }

    void text(String text) {
        send("text", Map.of("text", text));
    }

    void finish(String html, int status) {
        send("final", Map.of("html", html, "status", status));
    }

    private synchronized void send(String event, Map<String, Object> data) {
        if (broken) return;
        try {
            if (out == null) {
                ctx.status(200);
                ctx.contentType("text/event-stream; charset=utf-8");
                ctx.header("Cache-Control", "no-store");
                ctx.header("X-Accel-Buffering", "no");
                ctx.header("X-Content-Type-Options", "nosniff");
                out = ctx.res().getOutputStream();
            }
            out.write(("event: " + event + "\ndata: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an answer event", e);
        } catch (IOException | RuntimeException e) {
            broken = true;
        }
    }
}
