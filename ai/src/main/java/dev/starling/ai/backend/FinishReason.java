package dev.starling.ai.backend;

/** Why generation ended, with OpenAI's names. */
public enum FinishReason {
    /** The model ended its turn, or a stop string was produced. */
    STOP("stop"),
    /** {@code max_tokens} was reached. */
    LENGTH("length");

    private final String openAiName;

    FinishReason(String openAiName) {
        this.openAiName = openAiName;
    }

    public String openAiName() {
        return openAiName;
    }

    public static FinishReason fromOpenAi(String name) {
        for (FinishReason r : values()) {
            if (r.openAiName.equals(name)) {
                return r;
            }
        }
        // "content_filter", "tool_calls", ...: the model stopped for its own reasons
        return STOP;
    }
}
