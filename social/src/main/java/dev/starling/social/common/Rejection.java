package dev.starling.social.common;

import java.util.Objects;

/**
 * Why a domain operation was refused. {@code message} is safe to show to the client (Mastodon's
 * {@code {"error": "..."}}); it never reveals whether an account exists on sign-in.
 */
public record Rejection(Kind kind, String message) {

    public Rejection {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }

    public enum Kind {
        /** Input failed validation (Mastodon answers 422). */
        INVALID(422),
        /** The thing does not exist or the actor may not see it (404, as Mastodon hides invisible posts). */
        NOT_FOUND(404),
        /** The actor may see it but not do this (403). */
        FORBIDDEN(403),
        /** Wrong credentials (401 / OAuth invalid_grant); same message whether or not the account exists. */
        UNAUTHORIZED(401),
        /** Unique constraint: username or email taken, already done (422 in Mastodon for sign-up). */
        CONFLICT(422);

        private final int httpStatus;

        Kind(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        public int httpStatus() {
            return httpStatus;
        }
    }

    @Override
    public String toString() {
        return kind + ": " + message;
    }
}
