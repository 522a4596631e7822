package dev.starling.ai.answers;

import dev.starling.social.db.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * The operator's copy weight of copy-augmented decoding ({@code ai.backend.CopyMixture}), changeable while the server
 * runs: every AI feature (Ask, Explain, Summarize, the assistant) reads {@link #current()} once at the start of each
 * request, so a change applies to the next request and requests in flight keep the weight they started with.
 * {@link #current()} empty means "by model" ({@link AnswerSettings#copyWeightFor}: 0.5 for in-process models trained by
 * Starling, 0 for other GGUFs); remote models never copy, whatever is set.
 *
 * <p>A stored setting ({@link #stored}) keeps its value in the table {@code ai_copy_weight} (migration V230), so it
 * survives a restart; {@code serve --copy-weight F} writes F there at start (the flag is the latest word when given;
 * the admin page may change it afterwards, and a later start without the flag keeps the stored value). Changes made
 * through this object take effect in this process at once; the table is read at start only.
 */
public final class CopyWeightSetting {

    /** The field name in forms and messages. */
    public static final String FIELD = "copy_weight";
    /** Longest text {@link #parse} takes. */
    static final int MAX_TEXT_CHARS = 32;
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{0,3}(\\.[0-9]{1,12})?");

    /**
     * The value now, with who set it and when.
     *
     * @param weight    the weight in [0, 1), or empty: by model
     * @param changedBy who set it ({@code "admin @name"}, {@code "serve --copy-weight"}); null when never set
     * @param changedAt when; null when never set
     */
    public record Value(OptionalDouble weight, String changedBy, Instant changedAt) {
        public Value {
            Objects.requireNonNull(weight, "weight");
        }

        /** "0.5" or "by model". */
        public String describe() {
            return weight.isPresent() ? Double.toString(weight.getAsDouble()) : "by model";
        }
    }

    /** What a change came to. */
    public sealed interface Change {
        /** Saved; applies from the next request. */
        record Saved(Value value) implements Change {
        }

        /** Refused; {@code reason} names the field and says what was wrong. */
        record Rejected(String reason) implements Change {
        }
    }

    private final Database db;
    private final Clock clock;
    private volatile Value value;

    private CopyWeightSetting(Database db, Clock clock, Value initial) {
        this.db = db;
        this.clock = clock;
        this.value = initial;
    }

    /** A setting in memory only, starting at {@code initial} (empty: by model). */
    public static CopyWeightSetting inMemory(OptionalDouble initial) {
        check(initial).ifPresent(r -> {
            throw new IllegalArgumentException(r);
        });
        return new CopyWeightSetting(null, Clock.systemUTC(), new Value(initial, null, null));
    }

    /** The setting kept in {@code ai_copy_weight}, read now (by model when no row is there yet). */
    public static CopyWeightSetting stored(Database db, Clock clock) {
        Objects.requireNonNull(db, "db");
        Value v = db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT weight, changed_by, changed_at FROM ai_copy_weight WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new Value(OptionalDouble.empty(), null, null);
                }
                double w = rs.getDouble(1);
                OptionalDouble weight = rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(w);
                return new Value(weight, rs.getString(2), rs.getTimestamp(3).toInstant());
            }
        });
        return new CopyWeightSetting(db, Objects.requireNonNull(clock, "clock"), v);
    }

    /** The operator's weight now (empty: by model). Read it once per request. */
    public OptionalDouble current() {
        return value.weight();
    }

    /** The value now, with who set it and when. */
    public Value value() {
        return value;
    }

    /**
     * Sets the weight (empty: by model), stored when this setting is; {@code changedBy} says who (at most 200 characters).
     * A weight outside [0, 1) is {@link Change.Rejected} with a message naming {@value #FIELD}.
     */
    public synchronized Change set(OptionalDouble weight, String changedBy) {
        Objects.requireNonNull(weight, "weight");
        Optional<String> problem = check(weight);
        if (problem.isPresent()) {
            return new Change.Rejected(problem.get());
        }
        String by = changedBy == null || changedBy.isBlank() ? "unknown" : changedBy.strip();
        by = by.length() > 200 ? by.substring(0, 200) : by;
        Instant at = clock.instant();
        if (db != null) {
            String who = by;
            db.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO ai_copy_weight (id, weight, changed_by, changed_at)"
                        + " VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET weight = EXCLUDED.weight,"
                        + " changed_by = EXCLUDED.changed_by, changed_at = EXCLUDED.changed_at")) {
                    if (weight.isPresent()) {
                        ps.setDouble(1, weight.getAsDouble());
                    } else {
                        ps.setNull(1, java.sql.Types.DOUBLE);
                    }
                    ps.setString(2, who);
                    ps.setTimestamp(3, Timestamp.from(at));
                    ps.executeUpdate();
                }
                return null;
            });
        }
        value = new Value(weight, by, at);
        return new Change.Saved(value);
    }

    /**
     * Sets the weight from a form's text: a decimal number in [0, 1) ({@code 0}, {@code 0.5}, {@code .8}), or empty /
     * {@code model} for "by model". Anything else is {@link Change.Rejected} naming {@value #FIELD}.
     */
    public Change set(String text, String changedBy) {
        return switch (parse(text)) {
            case Parsed.Weight w -> set(w.weight(), changedBy);
            case Parsed.Bad b -> new Change.Rejected(b.reason());
        };
    }

    /** A form's text as a weight, or why not. */
    sealed interface Parsed {
        record Weight(OptionalDouble weight) implements Parsed {
        }

        record Bad(String reason) implements Parsed {
        }
    }

    static Parsed parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty() || t.equalsIgnoreCase("model") || t.equalsIgnoreCase("by model")) {
            return new Parsed.Weight(OptionalDouble.empty());
        }
        if (t.length() > MAX_TEXT_CHARS) {
            return new Parsed.Bad(FIELD + " is " + t.length() + " characters long; give a number from 0 to below 1, such as 0.5");
        }
        if (!DECIMAL.matcher(t).matches() || t.equals(".")) {
            String shown = t.length() > 20 ? t.substring(0, 20) + "…" : t;
            return new Parsed.Bad(FIELD + " must be a number from 0 to below 1, such as 0.5 (or empty for the model's default), got \""
                    + shown + "\"");
        }
        return new Parsed.Weight(OptionalDouble.of(Double.parseDouble(t)));
    }

    private static Optional<String> check(OptionalDouble weight) {
        if (weight.isPresent() && !(weight.getAsDouble() >= 0 && weight.getAsDouble() < 1)) {
            return Optional.of(FIELD + " must be at least 0 and below 1, got " + weight.getAsDouble());
        }
        return Optional.empty();
    }
}
