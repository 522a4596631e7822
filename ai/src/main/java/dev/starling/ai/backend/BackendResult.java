package dev.starling.ai.backend;

import java.util.function.Function;

/** A value or the {@link BackendError} that stands in its place. */
public sealed interface BackendResult<T> {

    record Ok<T>(T value) implements BackendResult<T> {
    }

    record Err<T>(BackendError error) implements BackendResult<T> {
    }

    static <T> BackendResult<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> BackendResult<T> err(BackendError error) {
        return new Err<>(error);
    }

    default boolean isOk() {
        return this instanceof Ok<T>;
    }

    /** The value, or an {@link IllegalStateException} with the error's kind and message. */
    default T orElseThrow() {
        return switch (this) {
            case Ok<T> ok -> ok.value();
            case Err<T> err -> throw new IllegalStateException(err.error().kind() + ": " + err.error().message());
        };
    }

    default <U> BackendResult<U> map(Function<T, U> f) {
        return switch (this) {
            case Ok<T> ok -> new Ok<>(f.apply(ok.value()));
            case Err<T> err -> new Err<>(err.error());
        };
    }

    default <U> BackendResult<U> flatMap(Function<T, BackendResult<U>> f) {
        return switch (this) {
            case Ok<T> ok -> f.apply(ok.value());
            case Err<T> err -> new Err<>(err.error());
        };
    }
}
