package dev.starling.social.common;

import java.util.Objects;
import java.util.function.Function;

/**
 * The result of a domain operation: either {@link Ok} with a value, or {@link Rejected} with a
 * {@link Rejection} that says what was wrong. The domain returns rejections as values; exceptions
 * are for bugs and I/O ({@link java.io.UncheckedIOException}, {@link dev.starling.social.db.DatabaseException}).
 *
 * <p>Server mapping (suggested): {@link Rejection.Kind#httpStatus()}.
 */
public sealed interface Outcome<T> {

    record Ok<T>(T value) implements Outcome<T> {
    }

    record Rejected<T>(Rejection rejection) implements Outcome<T> {
        public Rejected {
            Objects.requireNonNull(rejection, "rejection");
        }
    }

    static <T> Outcome<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Outcome<T> rejected(Rejection.Kind kind, String message) {
        return new Rejected<>(new Rejection(kind, message));
    }

    static <T> Outcome<T> rejected(Rejection rejection) {
        return new Rejected<>(rejection);
    }

    default boolean isOk() {
        return this instanceof Ok;
    }

    /** The value; throws {@link IllegalStateException} naming the rejection when rejected (for tests and tools). */
    default T orThrow() {
        return switch (this) {
            case Ok<T> ok -> ok.value();
            case Rejected<T> r -> throw new IllegalStateException(r.rejection().toString());
        };
    }

    /** The rejection, or null when ok. */
    default Rejection rejectionOrNull() {
        return this instanceof Rejected<T> r ? r.rejection() : null;
    }

    default <U> Outcome<U> map(Function<? super T, ? extends U> f) {
        return switch (this) {
            case Ok<T> ok -> new Ok<>(f.apply(ok.value()));
            case Rejected<T> r -> new Rejected<>(r.rejection());
        };
    }
}
