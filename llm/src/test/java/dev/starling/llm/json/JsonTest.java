package dev.starling.llm.json;

import dev.starling.llm.json.JsonValue.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

    @Test
    void parsesAllValueKinds() {
        JsonObject o = Json.parse(" {\"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\\n\\\"\\ud83e\\udd99\"],"
                + " \"b\": {}, \"c\": [], \"big\": 12345678901234567890} ").asObject();
        List<JsonValue> a = o.require("a").asArray().elements();
        assertEquals(1, a.get(0).asInt());
        assertEquals(-2500.0, a.get(1).asDouble());
        assertTrue(a.get(2).asBoolean());
        assertEquals(false, a.get(3).asBoolean());
        assertTrue(a.get(4).isNull());
        assertEquals("xé\n\"🦙", a.get(5).asString());
        assertEquals(0, o.require("b").asObject().members().size());
        assertEquals(0, o.require("c").asArray().size());
        assertEquals("12345678901234567890", ((JsonValue.JsonNumber) o.require("big")).text(), "exact source text");
        assertEquals(List.of("a", "b", "c", "big"), List.copyOf(o.members().keySet()), "document order");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{\"a\":1,}|expected a string key in object|7",
            "[1,2,]|expected a value|5",
            "[01]|leading zero|2",
            "{\"a\":1 \"b\":2}|expected ',' or '}'|7",
            "{\"a\":1,\"a\":2}|duplicate key 'a'|7",
            "\"abc|unterminated string|4",
            "[1] x|after the top-level value|4",
            "// c|expected a value|0",
            "'x'|expected a value|0",
            "NaN|expected a value|0",
            "[1.]|digit after the decimal point|3",
            "\"\\x\"|bad escape|1",
            "\"\\u12G4\"|bad hex digit|1",
            "[tru]|expected a value|1",
            "|unexpected end of input|0",
    })
    void rejectsMalformedDocumentsNamingTheOffset(String text, String message, long offset) {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(text == null ? "" : text));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().contains("line "), e.getMessage());
    }

    @Test
    void rejectsControlCharactersInStrings() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("\"a\tb\""));
        assertTrue(e.getMessage().contains("U+0009"), e.getMessage());
    }

    @Test
    void limitsNestingDepth() {
        String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().contains("nesting deeper than " + Json.MAX_DEPTH), e.getMessage());
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        Json.parse(ok);
    }

    @Test
    void shapeErrorsNameTheMember() {
        JsonObject o = Json.parse("{\"n\": 1, \"s\": \"x\"}").asObject();
        assertEquals("member 'n': expected a string, found number",
                assertThrows(JsonException.class, () -> o.string("n")).getMessage());
        assertEquals("missing member 'm'", assertThrows(JsonException.class, () -> o.require("m")).getMessage());
        assertEquals("expected an array, found object", assertThrows(JsonException.class, o::asArray).getMessage());
        assertEquals("number 1.5 is not an integer that fits 64 bits",
                assertThrows(JsonException.class, () -> Json.parse("1.5").asLong()).getMessage());
    }

    @Test
    void filesAreLimitedInSizeAndMustBeUtf8(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("t.json");
        Files.writeString(f, "{\"k\": \"v\"}", StandardCharsets.UTF_8);
        assertEquals("v", Json.parse(f).asObject().string("k"));
        IOException big = assertThrows(IOException.class, () -> Json.parse(f, 5));
        assertTrue(big.getMessage().contains("larger than the limit of 5 bytes"), big.getMessage());
        assertTrue(big.getMessage().contains(f.toString()), big.getMessage());

        Files.write(f, new byte[] {'"', (byte) 0xC3, '"'});
        IOException bad = assertThrows(IOException.class, () -> Json.parse(f));
        assertTrue(bad.getMessage().contains("not valid UTF-8"), bad.getMessage());

        Files.writeString(f, "{\n  \"a\": tru\n}");
        IOException syntax = assertThrows(IOException.class, () -> Json.parse(f));
        assertTrue(syntax.getMessage().startsWith(f.toString()), syntax.getMessage());
        assertTrue(syntax.getMessage().contains("line 2, column 8"), syntax.getMessage());
    }
}
