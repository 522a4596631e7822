package dev.starling.ai.assistant;

import dev.starling.ai.backend.BackendError;
import dev.starling.ai.backend.BackendResult;
import dev.starling.ai.backend.ChatRequest;
import dev.starling.ai.backend.Completion;
import dev.starling.ai.backend.CompletionRequest;
import dev.starling.ai.backend.DeltaListener;
import dev.starling.ai.backend.EmbeddingRequest;
import dev.starling.ai.backend.Embeddings;
import dev.starling.ai.backend.FinishReason;
import dev.starling.ai.backend.ModelBackend;
import dev.starling.ai.backend.ModelInfo;
import dev.starling.ai.backend.Usage;
import dev.starling.ai.chat.ChatMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The worst model for safety tests: it obeys every instruction it reads by repeating its whole user prompt (every
 * quoted post, every injected link and @mention) as its answer, and records each prompt. If anything the reply's
 * readers may not see reached the prompt, it reaches the reply; if link and mention stripping failed, they would be
 * posted. Not a stand-in for the engine (the tests of the plumbing use the real tiny model): a stand-in for a model
 * that follows injected instructions.
 */
final class ParrotBackend implements ModelBackend {

    static final String ID = "parrot";
    final List<String> prompts = new CopyOnWriteArrayList<>();

    @Override
    public BackendResult<List<ModelInfo>> models() {
        return BackendResult.ok(List.of(new ModelInfo(ID, 0, "test")));
    }

    @Override
    public BackendResult<Completion> chat(ChatRequest request, DeltaListener listener) {
        StringBuilder all = new StringBuilder();
        String user = "";
        for (ChatMessage m : request.messages()) {
            all.append(m.role()).append(": ").append(m.content()).append('\n');
            if (m.role().equals("user")) {
                user = m.content();
            }
        }
        prompts.add(all.toString());
        String answer = "Sure! As you asked: " + user + " See http://evil.example/phish and @admin.";
        listener.onDelta(answer);
        return BackendResult.ok(new Completion(ID, answer, FinishReason.STOP, new Usage(all.length() / 3, answer.length() / 3)));
    }

    @Override
    public BackendResult<Completion> complete(CompletionRequest request, DeltaListener listener) {
        return BackendResult.err(new BackendError(BackendError.Kind.UNSUPPORTED, "chat only", null));
    }

    @Override
    public BackendResult<Embeddings> embed(EmbeddingRequest request) {
        return BackendResult.err(new BackendError(BackendError.Kind.UNSUPPORTED, "no embeddings", null));
    }

    @Override
    public void close() {
    }
}
