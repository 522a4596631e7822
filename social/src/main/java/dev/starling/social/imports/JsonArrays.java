package dev.starling.social.imports;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Streams the elements of one JSON array, one tree per element, with limits and located errors. */
final class JsonArrays {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A malformed or oversized archive: names the file and the character offset. */
    static final class ArchiveException extends Exception {
        ArchiveException(String message) {
            super(message);
        }
    }

    private JsonArrays() {
    }

    /**
     * Reads {@code reader} (positioned at a JSON value) and calls {@code each} for every element of
     * the array found at {@code fieldName} of the top-level object, or of the top-level array when
     * {@code fieldName} is null. Stops with an error after {@code maxItems} elements.
     */
    static long forEach(Path file, Reader reader, String fieldName, long maxItems, long offsetBase, Consumer<JsonNode> each)
            throws ArchiveException {
        try (JsonParser p = JSON.createParser(reader)) {
            JsonToken t = p.nextToken();
            if (fieldName == null) {
                if (t != JsonToken.START_ARRAY) {
                    throw error(file, p, offsetBase, "expected a JSON array");
                }
            } else {
                if (t != JsonToken.START_OBJECT) {
                    throw error(file, p, offsetBase, "expected a JSON object");
                }
                boolean found = false;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    if (name.equals(fieldName) && v == JsonToken.START_ARRAY) {
                        found = true;
                        break;
                    }
                    p.skipChildren();
                }
                if (!found) {
                    throw error(file, p, offsetBase, "no \"" + fieldName + "\" array in the top-level object");
                }
            }
            long n = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (p.currentToken() == null) {
                    throw error(file, p, offsetBase, "unexpected end of file inside the array");
                }
                if (++n > maxItems) {
                    throw error(file, p, offsetBase, "more than " + maxItems + " items (the import limit)");
                }
                JsonNode node = p.readValueAsTree();
                each.accept(node);
            }
            return n;
        } catch (IOException e) {
            String where = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null
                    ? " at character offset " + (offsetBase + jpe.getLocation().getCharOffset()) : "";
            throw new ArchiveException(file + ": malformed JSON" + where + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static ArchiveException error(Path file, JsonParser p, long offsetBase, String what) {
        JsonLocation loc = p.currentLocation();
        return new ArchiveException(file + ": " + what + " at character offset " + (offsetBase + loc.getCharOffset()));
    }
}
