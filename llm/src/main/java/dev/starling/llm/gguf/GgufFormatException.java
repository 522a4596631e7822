package dev.starling.llm.gguf;

import java.io.IOException;
import java.nio.file.Path;

/** A GGUF file is malformed or unsupported; the message names the file and the byte offset of the problem. */
public class GgufFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;

    public GgufFormatException(Path file, long offset, String problem) {
        super(file + ": at offset " + offset + ": " + problem);
        this.file = file;
        this.offset = offset;
    }

    /** For problems found after parsing (e.g. a metadata key asked for with the wrong type). */
    public GgufFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.offset = -1;
    }

    public Path file() {
        return file;
    }

    /** Byte offset in the file where the problem was found, or -1 when it is not about a position. */
    public long offset() {
        return offset;
    }
}
