package dev.starling.llm.tokenizer;

/** Token types as stored in GGUF {@code tokenizer.ggml.token_type} (the numbering of llama.cpp's llama_token_type). */
public enum TokenType {
    UNDEFINED, NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE;

    private static final TokenType[] VALUES = values();

    /** The type for a GGUF code; a code outside 0..6 is rejected with a message naming it. */
    public static TokenType fromCode(int code) {
        if (code < 0 || code >= VALUES.length) {
            throw new IllegalArgumentException("token type code " + code + " is not one of 0..6");
        }
        return VALUES[code];
    }

    public int code() {
        return ordinal();
    }
}
