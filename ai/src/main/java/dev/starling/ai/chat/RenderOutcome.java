package dev.starling.ai.chat;

/** The result of rendering a chat template: the prompt text, or why there is none. */
public sealed interface RenderOutcome {

    /** @param text the prompt, exactly as the template produced it (special tokens as text) */
    record Rendered(String text) implements RenderOutcome {
    }

    /** @param reason what went wrong, in words fit for an API error message */
    record Failed(String reason) implements RenderOutcome {
    }

    /** The text, or an {@link IllegalStateException} carrying the reason. */
    default String orElseThrow() {
        return switch (this) {
            case Rendered r -> r.text();
            case Failed f -> throw new IllegalStateException("chat template: " + f.reason());
        };
    }
}
