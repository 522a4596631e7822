package dev.starling.llm.generate;

/** Why a generation ended, with the OpenAI wire name. */
public enum FinishReason {
    /** An end-of-generation token or a stop string. */
    STOP("stop"),
    /** maxTokens reached, or the context is full. */
    LENGTH("length"),
    /** The listener asked to stop. */
    CANCELLED("cancelled");

    private final String wireName;

    FinishReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
