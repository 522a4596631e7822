package dev.starling.server.web;

/**
 * A web request that cannot be served: rendered as an HTML page in the layout with this status and
 * message (the message is shown to the person, so it says what was wrong).
 */
public final class WebException extends RuntimeException {
    private final int status;

    public WebException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static WebException notFound(String what) {
        return new WebException(404, what + " was not found, or you may not see it.");
    }
}
