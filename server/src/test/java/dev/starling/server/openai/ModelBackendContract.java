package dev.starling.server.openai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.starling.ai.backend.SamplingParams;
import dev.starling.ai.chat.ChatMessage;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ModelBackend} must do, run against the engine in-process ({@link LocalBackendContractTest}) and
 * against Starling's own {@code /v1} endpoints over HTTP ({@link OpenAiHttpBackendContractTest}). The model is a
 * tiny random-weight Llama: nothing here depends on what it says, only on how the backend behaves.
 */
abstract class ModelBackendContract {

    /** Context of the tiny model, in tokens (prompts past it must fail cleanly). */
    static final int TINY_CONTEXT = 2048;

    /** The backend under test, for the model {@link #modelId()}. */
    protected abstract ModelBackend backend();

    protected abstract String modelId();

    /** Writes the tiny random model that both implementations serve. */
    static Path writeTinyModel(Path dir) throws IOException {
        Path file = dir.resolve("tiny-llama.gguf");
        SyntheticModel.write(Shape.TINY_LLAMA, GgmlType.F32, null, 7, file);
        return file;
    }

    private static final List<ChatMessage> CONVERSATION = List.of(ChatMessage.system("You are terse."),
            ChatMessage.user("Hello there"), ChatMessage.assistant("Hi."), ChatMessage.user("Tell me a story."));

    private ChatRequest chat(SamplingParams sampling) {
        return new ChatRequest(modelId(), CONVERSATION, sampling);
    }

    private static <T> T ok(BackendResult<T> result) {
        if (result instanceof BackendResult.Err<T> err) {
            throw new AssertionError("expected success, got " + err.error());
        }
        return ((BackendResult.Ok<T>) result).value();
    }

    private static BackendError err(BackendResult<?> result) {
        return assertInstanceOf(BackendResult.Err.class, result, () -> "expected an error, got " + result).error();
    }

    /** Greedy text of the conversation that is long enough to cut (random models rarely end at once). */
    private Completion longGreedyAnswer() {
        return ok(backend().chat(chat(SamplingParams.greedy(24)), DeltaListener.NONE));
    }

    @Test
    void listsItsModel() {
        List<ModelInfo> models = ok(backend().models());
        assertTrue(models.stream().anyMatch(m -> m.id().equals(modelId())), "models: " + models);
    }

    @Test
    void greedyChatIsRepeatableAndCounted() {
        Completion first = ok(backend().chat(chat(SamplingParams.greedy(12)), DeltaListener.NONE));
        Completion second = ok(backend().chat(chat(SamplingParams.greedy(12)), DeltaListener.NONE));
        assertEquals(first.text(), second.text());
        assertEquals(modelId(), first.model());
        assertTrue(first.usage().promptTokens() > 10, "prompt tokens " + first.usage());
        assertTrue(first.usage().completionTokens() >= 1 && first.usage().completionTokens() <= 12, first.usage()
                + "");
        if (first.finishReason() == FinishReason.LENGTH) {
            assertEquals(12, first.usage().completionTokens());
        }
    }

    @Test
    void streamedDeltasAddUpToTheText() {
        List<String> deltas = new ArrayList<>();
        Completion streamed = ok(backend().chat(chat(SamplingParams.greedy(16)), deltas::add));
        Completion plain = ok(backend().chat(chat(SamplingParams.greedy(16)), DeltaListener.NONE));
        assertEquals(streamed.text(), String.join("", deltas));
        assertEquals(plain.text(), streamed.text());
        assertEquals(plain.finishReason(), streamed.finishReason());
        assertEquals(plain.usage(), streamed.usage());
        assertFalse(deltas.stream().anyMatch(String::isEmpty), "empty deltas: " + deltas);
    }

    @Test
    void seededSamplingRepeatsAndDiffersFromOtherSeeds() {
        SamplingParams sampled = SamplingParams.defaults(24).withTemperature(1.5);
        Completion a = ok(backend().chat(chat(sampled.withSeed(42)), DeltaListener.NONE));
        Completion b = ok(backend().chat(chat(sampled.withSeed(42)), DeltaListener.NONE));
        assertEquals(a.text(), b.text());
        boolean anyDifferent = false;
        for (long seed = 1; seed <= 5 && !anyDifferent; seed++) {
            anyDifferent = !ok(backend().chat(chat(sampled.withSeed(seed)), DeltaListener.NONE)).text().equals(a.text());
        }
        assertTrue(anyDifferent, "five other seeds all gave the same text: " + a.text());
    }

    @Test
    void aStopStringEndsTheTextBeforeIt() {
        String full = longGreedyAnswer().text();
        assertTrue(full.length() >= 8, "the greedy answer is too short to cut: '" + full + "'");
        String stop = full.substring(full.length() / 2, full.length() / 2 + 3);
        String expected = full.substring(0, full.indexOf(stop));
        List<String> deltas = new ArrayList<>();
        Completion cut = ok(backend().chat(chat(SamplingParams.greedy(24).withStop(List.of(stop, "\u0000never"))),
                deltas::add));
        assertEquals(expected, cut.text());
        assertEquals(FinishReason.STOP, cut.finishReason());
        assertEquals(expected, String.join("", deltas), "streamed text must not leak the stop string");
    }

    @Test
    void maxTokensEndsWithLength() {
        Completion c = ok(backend().complete(new CompletionRequest(modelId(), "Once upon a time",
                SamplingParams.greedy(3)), DeltaListener.NONE));
        assertTrue(c.usage().completionTokens() <= 3, c.usage().toString());
        if (c.usage().completionTokens() == 3) {
            assertEquals(FinishReason.LENGTH, c.finishReason());
        }
    }

    @Test
    void textCompletionStreamsTheSameAsItAnswers() {
        CompletionRequest request = new CompletionRequest(modelId(), "The quick brown fox", SamplingParams.greedy(10));
        StringBuilder streamed = new StringBuilder();
        Completion a = ok(backend().complete(request, streamed::append));
        Completion b = ok(backend().complete(request, DeltaListener.NONE));
        assertEquals(b.text(), a.text());
        assertEquals(a.text(), streamed.toString());
        assertTrue(a.usage().promptTokens() >= 4, a.usage().toString());
    }

    @Test
    void anUnknownModelIsNotFound() {
        BackendError e = err(backend().chat(new ChatRequest("no-such-model", CONVERSATION, SamplingParams.greedy(2)),
                DeltaListener.NONE));
        assertEquals(BackendError.Kind.MODEL_NOT_FOUND, e.kind());
        assertTrue(e.message().contains("no-such-model"), e.message());
    }

    @Test
    void invalidSamplingIsRejectedNamingTheParameter() {
        BackendError e = err(backend().chat(chat(SamplingParams.greedy(4).withTemperature(7)), DeltaListener.NONE));
        assertEquals(BackendError.Kind.INVALID_REQUEST, e.kind());
        assertEquals("temperature", e.param());
    }

    @Test
    void aPromptLongerThanTheContextIsAClearError() {
        String longPrompt = "word ".repeat(TINY_CONTEXT * 2);
        BackendError e = err(backend().complete(new CompletionRequest(modelId(), longPrompt, SamplingParams.greedy(4)),
                DeltaListener.NONE));
        assertEquals(BackendError.Kind.CONTEXT_LENGTH_EXCEEDED, e.kind());
        assertTrue(e.message().contains(String.valueOf(TINY_CONTEXT)), e.message());
    }

    @Test
    void embeddingsAreUnitVectorsOnePerInput() {
        Embeddings e = ok(backend().embed(new EmbeddingRequest(modelId(), List.of("a cat", "a cat", "stock prices"))));
        assertEquals(3, e.vectors().size());
        for (float[] v : e.vectors()) {
            assertEquals(Shape.TINY_LLAMA.dim(), v.length);
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            assertEquals(1.0, Math.sqrt(norm), 1e-4);
        }
        assertArrayEquals(e.vectors().get(0), e.vectors().get(1));
        assertNotEquals(java.util.Arrays.toString(e.vectors().get(0)), java.util.Arrays.toString(e.vectors().get(2)));
        assertTrue(e.usage().promptTokens() >= 3, e.usage().toString());
    }
}
