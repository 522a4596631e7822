package dev.starling.server.http;

import dev.starling.social.common.Outcome;
import dev.starling.social.common.Rejection;

/** Turns domain outcomes into values or Mastodon error responses. */
public final class Outcomes {
    private Outcomes() {}

    public static <T> T value(Outcome<T> outcome) {
        return switch (outcome) {
            case Outcome.Ok<T> ok -> ok.value();
            case Outcome.Rejected<T> r -> throw error(r.rejection());
        };
    }

    public static ApiException error(Rejection r) {
        String message = r.message();
        return switch (r.kind()) {
            case NOT_FOUND -> ApiException.notFound();
            case INVALID, CONFLICT -> new ApiException(422, "Validation failed: " + capitalize(message));
            case FORBIDDEN -> new ApiException(403, capitalize(message));
            case UNAUTHORIZED -> new ApiException(401, capitalize(message));
        };
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
