package dev.starling.ai.trends;

import dev.starling.ai.backend.BackendResult;
import dev.starling.ai.backend.ChatRequest;
import dev.starling.ai.backend.Completion;
import dev.starling.ai.backend.CompletionRequest;
import dev.starling.ai.backend.DeltaListener;
import dev.starling.ai.backend.EmbeddingRequest;
import dev.starling.ai.backend.Embeddings;
import dev.starling.ai.backend.ModelBackend;
import dev.starling.ai.backend.ModelInfo;
import dev.starling.ai.chat.ChatMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real backend with a recorder around it: every conversation it was given and every text it wrote. */
final class PromptRecorder implements ModelBackend {

    final ModelBackend inner;
    final List<List<ChatMessage>> conversations = new CopyOnWriteArrayList<>();
    final List<String> outputs = new CopyOnWriteArrayList<>();

    PromptRecorder(ModelBackend inner) {
        this.inner = inner;
    }

    @Override
    public BackendResult<List<ModelInfo>> models() {
        return inner.models();
    }

    @Override
    public BackendResult<Completion> chat(ChatRequest request, DeltaListener listener) {
        conversations.add(request.messages());
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
