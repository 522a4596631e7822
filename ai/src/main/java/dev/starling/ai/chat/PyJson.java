package dev.starling.ai.chat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/**
 * Writes values the way Python's {@code json.dumps(value, ensure_ascii=False, indent=indent)} does, which is
 * what Hugging Face chat templates get from their {@code tojson} filter: {@code ", "} and {@code ": "} as
 * separators without indent, {@code ","} plus newlines with indent, non-ASCII characters kept as they are.
 * Only JSON-like values are accepted (maps with string keys, collections, strings, numbers, booleans, null);
 * anything else is rejected, as Python would.
 */
final class PyJson {

    private PyJson() {
    }

    /** Thrown for values that JSON cannot represent, or when the output passes {@code maxChars}. */
    static final class NotSerializableException extends RuntimeException {
        NotSerializableException(String message) {
            super(message);
        }
    }

    /**
     * @param indent   {@code null} for the compact one-line form, otherwise spaces per nesting level
     * @param maxChars the output may not grow past this many characters
     */
    static String dumps(Object value, Integer indent, long maxChars) {
        StringBuilder out = new StringBuilder();
        write(out, value, indent, 0, maxChars, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, Integer indent, int level, long maxChars, int depth) {
        if (depth > 64) {
            throw new NotSerializableException("tojson: value nested deeper than 64 levels");
        }
        if (out.length() > maxChars) {
            throw new NotSerializableException("tojson: output longer than " + maxChars + " characters");
        }
        switch (value) {
            case null -> out.append("null");
            case Boolean b -> out.append(b ? "true" : "false");
            case Integer i -> out.append(i.intValue());
            case Long l -> out.append(l.longValue());
            case Short s -> out.append(s.shortValue());
            case Byte b -> out.append(b.byteValue());
            case BigInteger bi -> out.append(bi);
            case Double d -> out.append(pythonFloat(d));
            case Float f -> out.append(pythonFloat(f.doubleValue()));
            case BigDecimal bd -> out.append(pythonFloat(bd.doubleValue()));
            case CharSequence cs -> writeString(out, cs.toString());
            case Character c -> writeString(out, c.toString());
            case Map<?, ?> map -> writeMap(out, map, indent, level, maxChars, depth);
            case Collection<?> items -> writeList(out, items, indent, level, maxChars, depth);
            case Object[] items -> writeList(out, java.util.Arrays.asList(items), indent, level, maxChars, depth);
            default -> throw new NotSerializableException(
                    "tojson: object of type " + value.getClass().getSimpleName() + " is not JSON serializable");
        }
    }

    private static void writeMap(StringBuilder out, Map<?, ?> map, Integer indent, int level, long maxChars, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!first) {
                out.append(indent == null ? ", " : ",");
            }
            first = false;
            newline(out, indent, level + 1);
            Object key = entry.getKey();
            String keyText = switch (key) {
                case CharSequence cs -> cs.toString();
                case null -> "null";
                case Boolean b -> b ? "true" : "false";
                case Number n -> n.toString();
                default -> throw new NotSerializableException(
                        "tojson: keys must be str, int, float, bool or None, not " + key.getClass().getSimpleName());
            };
            writeString(out, keyText);
            out.append(": ");
            write(out, entry.getValue(), indent, level + 1, maxChars, depth + 1);
        }
        newline(out, indent, level);
        out.append('}');
    }

    private static void writeList(StringBuilder out, Collection<?> items, Integer indent, int level, long maxChars,
            int depth) {
        if (items.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        for (Object item : items) {
            if (!first) {
                out.append(indent == null ? ", " : ",");
            }
            first = false;
            newline(out, indent, level + 1);
            write(out, item, indent, level + 1, maxChars, depth + 1);
        }
        newline(out, indent, level);
        out.append(']');
    }

    private static void newline(StringBuilder out, Integer indent, int level) {
        if (indent != null) {
            out.append('\n');
            out.repeat(' ', Math.max(0, indent) * level);
        }
    }

    static void writeString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Python's {@code repr(float)}: shortest round-trip digits, {@code 1.0} not {@code 1}, {@code 1e+20}. */
    static String pythonFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = exact.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - exact.scale(); // decimal exponent of the first digit
        String sign = d < 0 ? "-" : "";
        if (exponent >= -5 && exponent < 16) {
            String plain = exact.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }
}
