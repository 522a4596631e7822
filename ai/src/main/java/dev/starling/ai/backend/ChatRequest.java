package dev.starling.ai.backend;

import dev.starling.ai.chat.ChatMessage;
import java.util.List;
import java.util.Objects;

/** A chat completion request: the conversation so far; the model answers as the assistant. */
public record ChatRequest(String model, List<ChatMessage> messages, SamplingParams sampling) {

    public ChatRequest {
        Objects.requireNonNull(model, "model");
        messages = List.copyOf(messages);
        Objects.requireNonNull(sampling, "sampling");
    }
}
