package dev.starling.ai.prompts;

/** A prompt file that is missing or malformed; the message names the file (and line) and what is wrong. */
public final class PromptException extends RuntimeException {

    public PromptException(String message) {
        super(message);
    }

    public PromptException(String message, Throwable cause) {
        super(message, cause);
    }
}
