package dev.starling.llm.json;

/**
 * A JSON document that is malformed (with its character offset, line and column) or that does not have the shape a
 * reader expected (with the member that was wrong).
 */
public final class JsonException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long offset;

    /** A shape error: the document parsed, but a value is missing or of the wrong type. */
    public JsonException(String message) {
        super(message);
        this.offset = -1;
    }

    /** A syntax error at a character offset of the document. */
    public JsonException(String message, long offset, int line, int column) {
        super(message + " at offset " + offset + " (line " + line + ", column " + column + ")");
        this.offset = offset;
    }

    /** The character offset of a syntax error, or -1 for a shape error. */
    public long offset() {
        return offset;
    }
}
