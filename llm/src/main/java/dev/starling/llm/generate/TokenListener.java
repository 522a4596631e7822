package dev.starling.llm.generate;

/** Receives generated text as it is produced (streaming). */
@FunctionalInterface
public interface TokenListener {
    /** Nothing to do. */
    TokenListener NONE = (id, text) -> true;

    /**
     * A token was generated. {@code text} is the newly printable text (possibly empty: an incomplete
     * UTF-8 sequence or a possible start of a stop string is held back until it resolves).
     * Return false to cancel the generation.
     */
    boolean onToken(int tokenId, String text);
}
