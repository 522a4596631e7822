package dev.starling.llm.tokenizer;

import java.io.IOException;

/** A tokenizer description (GGUF metadata or tokenizer.json) that is malformed or asks for something unsupported. */
public final class TokenizerFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    public TokenizerFormatException(String message) {
        super(message);
    }

    public TokenizerFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
