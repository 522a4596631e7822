package dev.starling.llm.json;

import dev.starling.llm.json.JsonValue.JsonArray;
import dev.starling.llm.json.JsonValue.JsonBoolean;
import dev.starling.llm.json.JsonValue.JsonNull;
import dev.starling.llm.json.JsonValue.JsonNumber;
import dev.starling.llm.json.JsonValue.JsonObject;
import dev.starling.llm.json.JsonValue.JsonString;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader (RFC 8259) for configuration files such as Hugging Face {@code tokenizer.json}; the
 * {@code llm} module depends on the JDK only.
 *
 * <p>Strict: one top-level value and nothing after it but whitespace; no comments, trailing commas, single quotes,
 * leading zeros, NaN or unescaped control characters; duplicate object keys are rejected. Limits: nesting depth
 * {@value #MAX_DEPTH}; file size given by the caller. Errors name the offset, line and column (and the file when read
 * from one).
 */
public final class Json {

    /** The deepest nesting of arrays and objects accepted. */
    public static final int MAX_DEPTH = 512;

    /** The default limit on the size of a file read with {@link #parse(Path)}: 512 MiB. */
    public static final long DEFAULT_MAX_FILE_BYTES = 512L << 20;

    private final String text;
    private int pos;
    private int depth;

    private Json(String text) {
        this.text = text;
    }

    /** Parses a whole document. */
    public static JsonValue parse(String text) {
        Json p = new Json(text);
        p.skipWhitespace();
        JsonValue v = p.value();
        p.skipWhitespace();
        if (p.pos != text.length()) {
            throw p.error("unexpected '" + printable(text.charAt(p.pos)) + "' after the top-level value");
        }
        return v;
    }

    /** Reads and parses a UTF-8 file of at most {@link #DEFAULT_MAX_FILE_BYTES}. */
    public static JsonValue parse(Path file) throws IOException {
        return parse(file, DEFAULT_MAX_FILE_BYTES);
    }

    /**
     * Reads and parses a UTF-8 file of at most maxFileBytes; a syntax error becomes an IOException naming the file.
     */
    public static JsonValue parse(Path file, long maxFileBytes) throws IOException {
        long sizeBytes = Files.size(file);
        if (sizeBytes > maxFileBytes) {
            throw new IOException(file + ": " + sizeBytes + " bytes is larger than the limit of " + maxFileBytes
                    + " bytes for a JSON file");
        }
        byte[] bytes = Files.readAllBytes(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": not valid UTF-8 (" + e.getMessage() + ")", e);
        }
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            throw new IOException(file + ": starts with a byte order mark, which JSON does not allow");
        }
        try {
            return parse(text);
        } catch (JsonException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private JsonValue value() {
        if (pos >= text.length()) {
            throw error("unexpected end of input, expected a value");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> new JsonString(string());
            case 't' -> literal("true", new JsonBoolean(true));
            case 'f' -> literal("false", new JsonBoolean(false));
            case 'n' -> literal("null", JsonNull.INSTANCE);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected '" + printable(c) + "', expected a value");
            }
        };
    }

    private JsonValue object() {
        enter();
        pos++; // '{'
        Map<String, JsonValue> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            depth--;
            return new JsonObject(Collections.unmodifiableMap(members));
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a string key in object");
            }
            int keyOffset = pos;
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            JsonValue v = value();
            if (members.putIfAbsent(key, v) != null) {
                pos = keyOffset;
                throw error("duplicate key '" + key + "'");
            }
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == '}') {
                pos++;
                depth--;
                return new JsonObject(Collections.unmodifiableMap(members));
            } else {
                throw error("expected ',' or '}' in object");
            }
        }
    }

    private JsonValue array() {
        enter();
        pos++; // '['
        List<JsonValue> elements = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            depth--;
            return new JsonArray(Collections.unmodifiableList(elements));
        }
        while (true) {
            skipWhitespace();
            elements.add(value());
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == ']') {
                pos++;
                depth--;
                return new JsonArray(Collections.unmodifiableList(elements));
            } else {
                throw error("expected ',' or ']' in array");
            }
        }
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
    }

    private String string() {
        pos++; // opening quote
        int start = pos;
        // Fast path: no escapes.
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"') {
                return text.substring(start, pos++);
            }
            if (c == '\\') {
                break;
            }
            if (c < 0x20) {
                throw error("unescaped control character U+" + String.format("%04X", (int) c) + " in string");
            }
            pos++;
        }
        StringBuilder sb = new StringBuilder(pos - start + 16).append(text, start, pos);
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("unescaped control character U+" + String.format("%04X", (int) c) + " in string");
            }
            if (c != '\\') {
                sb.append(c);
                pos++;
                continue;
            }
            if (pos + 1 >= text.length()) {
                break;
            }
            char e = text.charAt(pos + 1);
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 6 > text.length()) {
                        throw error("truncated \\u escape");
                    }
                    int cp = 0;
                    for (int i = 2; i < 6; i++) {
                        int d = Character.digit(text.charAt(pos + i), 16);
                        if (d < 0) {
                            throw error("bad hex digit in \\u escape");
                        }
                        cp = cp * 16 + d;
                    }
                    sb.append((char) cp);
                    pos += 4;
                }
                default -> throw error("bad escape '\\" + printable(e) + "'");
            }
            pos += 2;
        }
        throw error("unterminated string starting at offset " + (start - 1));
    }

    private JsonValue number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
            if (isDigit(peek())) {
                throw error("leading zero in number");
            }
        } else if (isDigit(peek())) {
            digits();
        } else {
            throw error("expected a digit");
        }
        if (peek() == '.') {
            pos++;
            if (!isDigit(peek())) {
                throw error("expected a digit after the decimal point");
            }
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error("expected a digit in the exponent");
            }
            digits();
        }
        return new JsonNumber(text.substring(start, pos));
    }

    private void digits() {
        while (isDigit(peek())) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private JsonValue literal(String word, JsonValue v) {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected '" + printable(text.charAt(pos)) + "', expected a value");
        }
        pos += word.length();
        return v;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    /** The current character, or NUL at the end (NUL never appears unescaped in valid JSON outside strings). */
    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else {
                return;
            }
        }
    }

    private JsonException error(String message) {
        int line = 1;
        int lineStart = 0;
        int end = Math.min(pos, text.length());
        for (int i = 0; i < end; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        if (pos >= text.length() && !message.startsWith("unexpected end")) {
            message = message + " (reached the end of input)";
        }
        return new JsonException(message, pos, line, end - lineStart + 1);
    }

    private static String printable(char c) {
        return c < 0x20 || c == 0x7F ? String.format("U+%04X", (int) c) : String.valueOf(c);
    }
}
