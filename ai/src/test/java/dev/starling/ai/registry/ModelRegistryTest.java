package dev.starling.ai.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.ai.backend.BackendResult;
import dev.starling.ai.backend.ChatRequest;
import dev.starling.ai.backend.Completion;
import dev.starling.ai.backend.CompletionRequest;
import dev.starling.ai.backend.DeltaListener;
import dev.starling.ai.backend.EmbeddingRequest;
import dev.starling.ai.backend.Embeddings;
import dev.starling.ai.backend.LocalBackend;
import dev.starling.ai.backend.ModelBackend;
import dev.starling.ai.backend.ModelInfo;
import dev.starling.ai.backend.SamplingParams;
import dev.starling.ai.chat.ChatMessage;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry over real tiny models of our engine; a decorator counts closes. */
class ModelRegistryTest {

    @TempDir
    static Path dir;
    static Path llama;
    static Path qwen;

    @BeforeAll
    static void models() throws Exception {
        llama = dir.resolve("tiny-llama.gguf");
        qwen = dir.resolve("tiny-qwen.gguf");
        SyntheticModel.write(Shape.TINY_LLAMA, GgmlType.F32, null, 3, llama);
        SyntheticModel.write(Shape.TINY_QWEN2, GgmlType.F32, null, 4, qwen);
    }

    /** Counts closes of real backends, per model id. */
    static final class Counting implements ModelBackend {
        final ModelBackend inner;
        final AtomicInteger closes;

        Counting(ModelBackend inner, AtomicInteger closes) {
            this.inner = inner;
            this.closes = closes;
        }

        public BackendResult<List<ModelInfo>> models() { return inner.models(); }
        public BackendResult<Completion> chat(ChatRequest r, DeltaListener l) { return inner.chat(r, l); }
        public BackendResult<Completion> complete(CompletionRequest r, DeltaListener l) { return inner.complete(r, l); }
        public BackendResult<Embeddings> embed(EmbeddingRequest r) { return inner.embed(r); }
        public void close() { closes.incrementAndGet(); inner.close(); }
    }

    final Map<String, AtomicInteger> closes = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> opens = new ConcurrentHashMap<>();

    ModelRegistry registry() {
        return new ModelRegistry(e -> {
            opens.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
            LocalBackend b = LocalBackend.open(Path.of(e.location()), LocalBackend.Options.defaults().withModelId(e.id()));
            return new OpenedModel(new Counting(b, closes.computeIfAbsent(e.id(), k -> new AtomicInteger())), PromptSizer.of(b));
        });
    }

    static ModelLease ready(ModelRegistry.Acquired a) {
        return assertInstanceOf(ModelRegistry.Acquired.Ready.class, a, () -> "not ready: " + a).lease();
    }

    @Test
    void describesFilesFromTheirHeader() throws Exception {
        ModelEntry e = ModelFiles.describe(llama, null);
        assertEquals("tiny-llama", e.id());
        assertEquals("llama", e.family());
        assertEquals(Files.size(llama), e.sizeBytes());
        assertTrue(e.parameterCount() > 32000L * 64, "parameters: " + e.parameterCount());
        assertEquals(Shape.TINY_LLAMA.contextLength(), e.contextTokens());
        assertNull(e.modelCard());
        assertEquals("qwen2", ModelFiles.describe(qwen, "q").family());
    }

    @Test
    void notReadyUntilAssignedAndSaysWhy() throws Exception {
        try (ModelRegistry r = registry()) {
            r.setStatus("training: 45%");
            ModelRegistry.Acquired a = r.acquire(Feature.ASK);
            assertEquals("training: 45%", assertInstanceOf(ModelRegistry.Acquired.NotReady.class, a).reason());
            r.addFile(llama, "a");
            assertFalse(r.snapshot().models().getFirst().loaded(), "registered, not loaded");
            assertInstanceOf(ModelRegistry.SwitchOutcome.Switched.class, r.assignAll("a"));
            try (ModelLease l = ready(r.acquire(Feature.ASK))) {
                assertEquals("a", l.modelId());
                Completion c = l.backend().chat(new ChatRequest("a", List.of(ChatMessage.user("hi")), SamplingParams.greedy(3)),
                        DeltaListener.NONE).orElseThrow();
                assertEquals("a", c.model());
                assertTrue(l.promptTokens(List.of(ChatMessage.user("hi"))) > 2);
            }
            ModelRegistry.SwitchOutcome bad = r.assign(Feature.ASK, "zzz");
            assertTrue(assertInstanceOf(ModelRegistry.SwitchOutcome.Rejected.class, bad).reason().contains("known: a"), bad.toString());
            assertEquals(1, opens.get("a").get(), "loaded once for all features");
        }
        assertEquals(1, closes.get("a").get(), "closed with the registry");
    }

    @Test
    void onlyRecordedSwitchesReachTheListeners() throws Exception {
        try (ModelRegistry r = registry()) {
            r.addFile(llama, "a");
            List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
            r.onSwitch((feature, model) -> heard.add(feature.apiName() + "->" + model.id()));
            assertInstanceOf(ModelRegistry.SwitchOutcome.Switched.class, r.assignAllUnrecorded("a"));
            assertEquals(List.of(), heard, "the server's own choice is not an admin's switch");
            try (ModelLease l = ready(r.acquire(Feature.ASK))) {
                assertEquals("a", l.modelId());
            }
            r.addFile(llama, "b");
            r.assign(Feature.ASK, "b");
            assertEquals(List.of(Feature.ASK.apiName() + "->b"), heard);
        }
    }

    @Test
    void requestInFlightFinishesOnItsModelAndTheOldOneClosesAfterIt() throws Exception {
        try (ModelRegistry r = registry()) {
            r.addFile(llama, "a");
            r.addFile(qwen, "b");
            r.assign(Feature.ASK, "a");
            ModelLease inFlight = ready(r.acquire(Feature.ASK));
            ModelRegistry.SwitchOutcome s = r.assign(Feature.ASK, "b");
            assertEquals("a", assertInstanceOf(ModelRegistry.SwitchOutcome.Switched.class, s).previousModelId());
            assertEquals(0, closes.get("a").get(), "the old model must stay open while a lease holds it");
            Completion c = inFlight.backend().chat(new ChatRequest("a", List.of(ChatMessage.user("still a?")),
                    SamplingParams.greedy(4)), DeltaListener.NONE).orElseThrow();
            assertEquals("a", c.model());
            try (ModelLease next = ready(r.acquire(Feature.ASK))) {
                assertEquals("b", next.modelId(), "new requests get the new model");
            }
            assertEquals(1, r.snapshot().models().getFirst().leasesInFlight());
            inFlight.close();
            inFlight.close(); // twice is harmless
            assertEquals(1, closes.get("a").get(), "closed when its last lease ended");
            assertFalse(r.snapshot().models().getFirst().loaded());
            assertTrue(r.snapshot().models().get(1).loaded());
            // switching back loads it again
            r.assign(Feature.ASK, "a");
            assertEquals(2, opens.get("a").get());
            assertEquals(1, closes.get("b").get());
        }
    }

    @Test
    void concurrentRequestsDuringSwitchesAllFinishOnTheModelTheyStartedWith() throws Exception {
        try (ModelRegistry r = registry()) {
            r.addFile(llama, "a");
            r.addFile(qwen, "b");
            r.assign(Feature.ASK, "a");
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<String>> results = new java.util.ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    results.add(pool.submit(() -> {
                        go.await();
                        try (ModelLease l = ready(r.acquire(Feature.ASK))) {
                            Completion c = l.backend().chat(new ChatRequest(l.modelId(), List.of(ChatMessage.user("x")),
                                    SamplingParams.greedy(6)), DeltaListener.NONE).orElseThrow();
                            return l.modelId() + "=" + c.model();
                        }
                    }));
                }
                go.countDown();
                for (int i = 0; i < 6; i++) {
                    r.assign(Feature.ASK, i % 2 == 0 ? "b" : "a");
                }
                for (Future<String> f : results) {
                    String[] ab = f.get(60, TimeUnit.SECONDS).split("=");
                    assertEquals(ab[0], ab[1]);
                }
            } finally {
                pool.shutdownNow();
            }
            int open = (int) r.snapshot().models().stream().filter(ModelRegistry.ModelStatus::loaded).count();
            assertEquals(1, open, "only the serving model stays loaded: " + r.snapshot());
        }
    }

    @Test
    void aBackendOwnedElsewhereIsNeverClosedHere() throws Exception {
        AtomicInteger closed = new AtomicInteger();
        try (LocalBackend b = LocalBackend.open(llama, LocalBackend.Options.defaults().withModelId("shared"))) {
            try (ModelRegistry r = registry()) {
                r.addOpened(ModelFiles.describe(llama, "shared"), new OpenedModel(new Counting(b, closed), PromptSizer.of(b)), true);
                r.addFile(qwen, "b");
                r.assignAll("shared");
                r.assignAll("b");
                assertTrue(r.snapshot().models().getFirst().loaded());
            }
            assertEquals(0, closed.get());
            assertInstanceOf(BackendResult.Ok.class, b.models());
        }
    }
}
