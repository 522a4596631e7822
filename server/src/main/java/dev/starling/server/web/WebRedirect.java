package dev.starling.server.web;

/** Ends a web request with a 303 redirect to a path on this server (e.g. to sign-in). */
public final class WebRedirect extends RuntimeException {
    private final String location;

    public WebRedirect(String location) {
        super(null, null, false, false);
        if (!Web.isLocalPath(location)) throw new IllegalArgumentException("not a local path: " + location);
        this.location = location;
    }

    public String location() {
        return location;
    }
}
