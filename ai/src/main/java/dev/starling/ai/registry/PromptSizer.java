package dev.starling.ai.registry;

import dev.starling.ai.backend.LocalBackend;
import dev.starling.ai.backend.ModelBackend;
import dev.starling.ai.chat.ChatMessage;
import dev.starling.ai.chat.RenderOutcome;
import java.util.List;

/** How many tokens a conversation becomes for one model, so prompts can be cut to fit its context. */
@FunctionalInterface
public interface PromptSizer {

    int tokens(List<ChatMessage> messages);

    /** Exact for the engine in this process (its chat template and tokenizer); an upper estimate otherwise. */
    static PromptSizer of(ModelBackend backend) {
        if (backend instanceof LocalBackend local) {
            return messages -> switch (local.renderChat(messages)) {
                case RenderOutcome.Rendered r -> local.promptIds(r.text()).length;
                case RenderOutcome.Failed f -> estimate(messages);
            };
        }
        return PromptSizer::estimate;
    }

    /** One token per 3 UTF-16 chars plus 16 per message for the template: above most tokenizers on text. */
    static int estimate(List<ChatMessage> messages) {
        long chars = 0;
        for (ChatMessage m : messages) {
            chars += m.content().length() + 16L * 3;
        }
        return (int) Math.min(Integer.MAX_VALUE, (chars + 2) / 3);
    }
}
