package dev.starling.server.http;

import java.util.Map;

/**
 * A client error that ends a request: rendered as {@code {"error": message}} (plus
 * {@code details} when present, as Mastodon does for 422 validation errors) with the given status.
 * This is the HTTP edge only: the domain answers with outcomes, and the routes translate those.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final Map<String, Object> details;
    private final Map<String, String> headers;

    public ApiException(int status, String message) {
        this(status, message, Map.of(), Map.of());
    }

    public ApiException(int status, String message, Map<String, Object> details, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.details = Map.copyOf(details);
        this.headers = Map.copyOf(headers);
    }

    public int status() { return status; }
    public Map<String, Object> details() { return details; }
    public Map<String, String> headers() { return headers; }

    public static ApiException badRequest(String message) { return new ApiException(400, message); }
    public static ApiException notFound() { return new ApiException(404, "Record not found"); }
    public static ApiException forbidden(String message) { return new ApiException(403, message); }
    public static ApiException unprocessable(String message) { return new ApiException(422, message); }

    /** 401 with the WWW-Authenticate header Mastodon sends. */
    public static ApiException unauthorized(String message) {
        return new ApiException(401, message, Map.of(),
                Map.of("WWW-Authenticate", "Bearer realm=\"Starling\", error=\"invalid_token\", error_description=\"" + message.replace("\"", "'") + "\""));
    }
}
