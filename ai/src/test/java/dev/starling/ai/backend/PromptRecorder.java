package dev.starling.ai.backend;

import dev.starling.ai.chat.ChatMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real backend with a recorder around it, for tests: every conversation it was given, the copy evidence of each chat
 * (null when the request had none) and every text it wrote.
 */
public final class PromptRecorder implements ModelBackend {

    private final ModelBackend inner;
    public final List<List<ChatMessage>> conversations = new CopyOnWriteArrayList<>();
    public final List<CopyEvidence> copies = new CopyOnWriteArrayList<>();
    public final List<String> outputs = new CopyOnWriteArrayList<>();

    public PromptRecorder(ModelBackend inner) {
        this.inner = inner;
    }

    @Override
    public BackendResult<List<ModelInfo>> models() {
        return inner.models();
    }

    @Override
    public BackendResult<Completion> chat(ChatRequest request, DeltaListener listener) {
        conversations.add(request.messages());
        copies.add(request.copy());
        BackendResult<Completion> r = inner.chat(request, listener);
        if (r instanceof BackendResult.Ok<Completion> ok) {
            outputs.add(ok.value().text());
        }
        return r;
    }

    @Override
    public BackendResult<Completion> complete(CompletionRequest request, DeltaListener listener) {
        conversations.add(List.of(ChatMessage.user(request.prompt())));
        return inner.complete(request, listener);
    }

    @Override
    public BackendResult<Embeddings> embed(EmbeddingRequest request) {
        return inner.embed(request);
    }

    @Override
    public void close() {
        inner.close();
    }
}
