package dev.starling.app.train;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Parses "10m", "90s", "1h30m", "2h", "1500ms" or ISO-8601 "PT10M" into a duration of at most 7 days. */
final class Durations implements CommandLine.ITypeConverter<Duration> {
    static final Duration MAX = Duration.ofDays(7);
    private static final Pattern PARTS = Pattern.compile("(\\d{1,9})(ms|h|m|s)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        String v = value.strip().toLowerCase(java.util.Locale.ROOT);
        Duration d;
        if (v.startsWith("pt") || v.startsWith("p")) {
            try {
                d = Duration.parse(v.toUpperCase(java.util.Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw bad(value);
            }
        } else {
            Matcher m = PARTS.matcher(v);
            d = Duration.ZERO;
            int end = 0;
            while (m.find() && m.start() == end) {
                long n = Long.parseLong(m.group(1));
                d = d.plus(switch (m.group(2)) {
                    case "h" -> Duration.ofHours(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "s" -> Duration.ofSeconds(n);
                    default -> Duration.ofMillis(n);
                });
                end = m.end();
            }
            if (end == 0 || end != v.length()) {
                throw bad(value);
            }
        }
        if (d.isNegative() || d.isZero() || d.compareTo(MAX) > 0) {
            throw new CommandLine.TypeConversionException("duration '" + value + "' must be more than 0 and at most 7 days");
        }
        return d;
    }

    private static CommandLine.TypeConversionException bad(String value) {
        return new CommandLine.TypeConversionException("'" + value + "' is not a duration; write e.g. 10m, 90s, 1h30m or PT10M");
    }
}
