package dev.starling.ai.answers;

import dev.starling.ai.backend.BackendResult;
import dev.starling.ai.backend.ChatRequest;
import dev.starling.ai.backend.Completion;
import dev.starling.ai.backend.CopyEvidence;
import dev.starling.ai.backend.CompletionRequest;
import dev.starling.ai.backend.DeltaListener;
import dev.starling.ai.backend.EmbeddingRequest;
import dev.starling.ai.backend.Embeddings;
import dev.starling.ai.backend.ModelBackend;
import dev.starling.ai.backend.ModelInfo;
import dev.starling.ai.chat.ChatMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A real backend with a recorder around it, for the ai tests of every package: every prompt it was given and every text
 * it produced.
 */
public final class RecordingBackend implements ModelBackend {

    final ModelBackend inner;
    public final List<String> prompts = new CopyOnWriteArrayList<>();
    public final List<String> outputs = new CopyOnWriteArrayList<>();
    public final List<List<ChatMessage>> conversations = new CopyOnWriteArrayList<>();
    /** The copy weight of each chat request (0: no copy evidence). */
    public final List<Double> copyWeights = new CopyOnWriteArrayList<>();
    /** The copy evidence of each chat request (null: none). */
    public final List<CopyEvidence> copies = new CopyOnWriteArrayList<>();

    public RecordingBackend(ModelBackend inner) {
        this.inner = inner;
    }

    static String flatten(List<ChatMessage> messages) {
        return messages.stream().map(m -> "[" + m.role() + "]\n" + m.content()).collect(Collectors.joining("\n"));
    }

    @Override
    public BackendResult<List<ModelInfo>> models() {
        return inner.models();
    }

    @Override
    public BackendResult<Completion> chat(ChatRequest request, DeltaListener listener) {
        // the copy evidence (copy-augmented decoding) is part of what the model is given
        prompts.add(flatten(request.messages()) + (request.copy() == null ? ""
                : "\n[copy evidence]\n" + String.join("\n", request.copy().texts())));
        conversations.add(request.messages());
        copyWeights.add(request.copy() == null ? 0.0 : request.copy().weight());
        copies.add(request.copy());
        BackendResult<Completion> r = inner.chat(request, listener);
        if (r instanceof BackendResult.Ok<Completion> ok) {
            outputs.add(ok.value().text());
        }
        return r;
    }

    @Override
    public BackendResult<Completion> complete(CompletionRequest request, DeltaListener listener) {
        prompts.add(request.prompt());
        BackendResult<Completion> r = inner.complete(request, listener);
        if (r instanceof BackendResult.Ok<Completion> ok) {
            outputs.add(ok.value().text());
        }
        return r;
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
