package dev.starling.server.http;

import io.javalin.http.ContentType;
import io.javalin.http.Context;
import java.io.IOException;

/**
 * Answers with JSON that is already UTF-8 bytes (timeline pages assembled by {@code StatusJsonCache}), written straight
 * to the response's output stream. {@code ctx.result(bytes)} would wrap them in a stream that Javalin copies through a
 * fresh 32 KB buffer per response. The stream is Javalin's, so compression (gzip for a client that asks for it) still
 * applies; with the server's output buffer ({@code StarlingServer}) holding a whole page, Jetty sends it at once with a
 * {@code Content-Length} instead of chunks.
 */
public final class JsonBytes {
    private JsonBytes() {
    }

    public static void send(Context ctx, byte[] utf8Json) {
        ctx.contentType(ContentType.APPLICATION_JSON);
        try {
            ctx.outputStream().write(utf8Json);
        } catch (IOException e) {
            // The client went away (the output stream fails only then): nothing is left to answer, as when Javalin
            // writes a result itself.
        }
    }
}
