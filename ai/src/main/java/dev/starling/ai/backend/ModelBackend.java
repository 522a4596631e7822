package dev.starling.ai.backend;

import java.util.List;

/**
 * Where language-model work is done: the engine in this process ({@link LocalBackend}) or any
 * OpenAI-compatible server ({@link OpenAiHttpBackend}: vLLM, llama.cpp's server, another Starling). Both pass
 * {@code ModelBackendContract}.
 *
 * <p>Calls return outcomes, not exceptions: a bad request, an unknown model or an unreachable server is a
 * {@link BackendResult.Err} whose {@link BackendError} says what was wrong. Implementations are thread-safe.
 */
public interface ModelBackend extends AutoCloseable {

    /** The models this backend serves. */
    BackendResult<List<ModelInfo>> models();

    /** Answers a conversation as the assistant, streaming text deltas to {@code listener}. */
    BackendResult<Completion> chat(ChatRequest request, DeltaListener listener);

    /** Continues a prompt, streaming text deltas to {@code listener}. */
    BackendResult<Completion> complete(CompletionRequest request, DeltaListener listener);

    /** Embeds texts (mean-pooled, L2-normalized). */
    BackendResult<Embeddings> embed(EmbeddingRequest request);

    /** Releases the model or connections. */
    @Override
    void close();
}
