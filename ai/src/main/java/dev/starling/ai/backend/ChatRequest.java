package dev.starling.ai.backend;

import dev.starling.ai.chat.ChatMessage;
import java.util.List;
import java.util.Objects;

/**
 * A chat completion request: the conversation so far; the model answers as the assistant.
 *
 * @param copy evidence the answer may copy from (copy-augmented decoding); null for none. Only {@link LocalBackend}
 *             uses it; {@link OpenAiHttpBackend} ignores it (no copy mixture for a remote model)
 */
public record ChatRequest(String model, List<ChatMessage> messages, SamplingParams sampling, CopyEvidence copy) {

    public ChatRequest {
        Objects.requireNonNull(model, "model");
        messages = List.copyOf(messages);
        Objects.requireNonNull(sampling, "sampling");
    }

    /** A request without copy evidence. */
    public ChatRequest(String model, List<ChatMessage> messages, SamplingParams sampling) {
        this(model, messages, sampling, null);
    }

    public ChatRequest withCopy(CopyEvidence c) {
        return new ChatRequest(model, messages, sampling, c);
    }
}
