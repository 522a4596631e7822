package dev.starling.llm.json;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed JSON value: the tree {@link Json#parse(String)} returns.
 *
 * <p>Objects keep their members in document order; numbers keep their source text so that large integers and exact
 * decimals survive. The accessors ({@link #asObject()}, {@link JsonObject#string(String)}, ...) fail with a
 * {@link JsonException} naming what was expected and what was found, never a ClassCastException.
 */
public sealed interface JsonValue {

    /** A short name of the JSON type for error messages: object, array, string, number, boolean, null. */
    String typeName();

    default JsonObject asObject() {
        if (this instanceof JsonObject o) {
            return o;
        }
        throw new JsonException("expected an object, found " + typeName());
    }

    default JsonArray asArray() {
        if (this instanceof JsonArray a) {
            return a;
        }
        throw new JsonException("expected an array, found " + typeName());
    }

    default String asString() {
        if (this instanceof JsonString s) {
            return s.value();
        }
        throw new JsonException("expected a string, found " + typeName());
    }

    default long asLong() {
        if (this instanceof JsonNumber n) {
            return n.longValue();
        }
        throw new JsonException("expected a number, found " + typeName());
    }

    default int asInt() {
        long v = asLong();
        if (v != (int) v) {
            throw new JsonException("number " + v + " does not fit an int");
        }
        return (int) v;
    }

    default double asDouble() {
        if (this instanceof JsonNumber n) {
            return n.doubleValue();
        }
        throw new JsonException("expected a number, found " + typeName());
    }

    default boolean asBoolean() {
        if (this instanceof JsonBoolean b) {
            return b.value();
        }
        throw new JsonException("expected a boolean, found " + typeName());
    }

    default boolean isNull() {
        return this instanceof JsonNull;
    }

    /** A JSON object; members in document order (a duplicate key is a parse error). */
    record JsonObject(Map<String, JsonValue> members) implements JsonValue {
        @Override
        public String typeName() {
            return "object";
        }

        /** The member, or empty when absent (a JSON null member is present and returned). */
        public Optional<JsonValue> get(String key) {
            return Optional.ofNullable(members.get(key));
        }

        /** The member; fails naming the key when absent. */
        public JsonValue require(String key) {
            JsonValue v = members.get(key);
            if (v == null) {
                throw new JsonException("missing member '" + key + "'");
            }
            return v;
        }

        /** A string member; fails naming the key when absent or not a string. */
        public String string(String key) {
            JsonValue v = require(key);
            if (v instanceof JsonString s) {
                return s.value();
            }
            throw new JsonException("member '" + key + "': expected a string, found " + v.typeName());
        }

        /** A string member, or the default when absent or null. */
        public String string(String key, String dflt) {
            JsonValue v = members.get(key);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (v instanceof JsonString s) {
                return s.value();
            }
            throw new JsonException("member '" + key + "': expected a string, found " + v.typeName());
        }

        /** A boolean member, or the default when absent or null. */
        public boolean bool(String key, boolean dflt) {
            JsonValue v = members.get(key);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (v instanceof JsonBoolean b) {
                return b.value();
            }
            throw new JsonException("member '" + key + "': expected a boolean, found " + v.typeName());
        }
    }

    /** A JSON array. */
    record JsonArray(List<JsonValue> elements) implements JsonValue {
        @Override
        public String typeName() {
            return "array";
        }

        public int size() {
            return elements.size();
        }

        public JsonValue get(int index) {
            return elements.get(index);
        }
    }

    record JsonString(String value) implements JsonValue {
        @Override
        public String typeName() {
            return "string";
        }
    }

    /** A number with its exact source text. */
    record JsonNumber(String text) implements JsonValue {
        @Override
        public String typeName() {
            return "number";
        }

        /** The value as a long; fails when it has a fraction or exponent or does not fit. */
        public long longValue() {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new JsonException("number " + text + " is not an integer that fits 64 bits");
            }
        }

        public double doubleValue() {
            return Double.parseDouble(text);
        }
    }

    record JsonBoolean(boolean value) implements JsonValue {
        @Override
        public String typeName() {
            return "boolean";
        }
    }

    /** The JSON null literal. */
    enum JsonNull implements JsonValue {
        INSTANCE;

        @Override
        public String typeName() {
            return "null";
        }
    }
}
