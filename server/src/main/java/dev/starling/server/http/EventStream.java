package dev.starling.server.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The transport of a server-sent event stream, shared by the OpenAI-compatible API and the AI features: headers
 * ({@code text/event-stream}, no caching, no proxy buffering) go out with the first event, so an error found before
 * any output can still be a plain JSON error response; each event is flushed as written; a client that goes away
 * marks the stream {@link #broken()} and later writes are dropped. The event format is the caller's.
 */
public final class EventStream {

    private final Context ctx;
    private OutputStream out;
    private volatile boolean broken;

    public EventStream(Context ctx) {
        this.ctx = ctx;
    }

    /** True once the headers and a first event went out. */
    public boolean started() {
        return out != null;
    }

    /** True when a write failed (the client went away). */
    public boolean broken() {
        return broken;
    }

    /** Writes one complete event (for example {@code "data: {...}\n\n"}) and flushes it. */
    public void write(String event) {
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
