package dev.starling.ai.answers;

import dev.starling.ai.backend.LocalBackend;
import dev.starling.ai.prompts.Prompts;
import dev.starling.ai.registry.ModelFiles;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.ai.registry.OpenedModel;
import dev.starling.ai.registry.PromptSizer;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import dev.starling.search.PostSearch;
import dev.starling.search.index.OutboxIndexer;
import dev.starling.search.index.PostIndex;
import dev.starling.social.Social;
import dev.starling.social.db.Database;
import dev.starling.social.export.PostExport;
import dev.starling.social.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * A network in a fresh database, its search index (in memory, caught up from the outbox on {@link #index()}), and the
 * AI features over a real tiny model of our engine (random weights, synthetic vocabulary) wrapped in a
 * {@link RecordingBackend}.
 */
final class AiTestNetwork implements AutoCloseable {

    final Database db;
    final Social social;
    final PostIndex index;
    final OutboxIndexer indexer;
    final PostSearch search;
    final ModelRegistry registry;
    final RecordingBackend model;
    final LocalBackend local;
    final StarlingAi ai;

    private static Path modelFile;

    /** The tiny model, written once per JVM. */
    static synchronized Path tinyModel() throws IOException {
        if (modelFile == null) {
            Path dir = Files.createTempDirectory("starling-ai-test");
            dir.toFile().deleteOnExit();
            modelFile = dir.resolve("tiny.gguf");
            SyntheticModel.write(Shape.TINY_LLAMA, GgmlType.F32, null, 11, modelFile);
            modelFile.toFile().deleteOnExit();
        }
        return modelFile;
    }

    AiTestNetwork(String label, AnswerSettings settings, boolean assignModel) throws IOException {
        this(label, settings, assignModel, tinyModel());
    }

    AiTestNetwork(String label, AnswerSettings settings, boolean assignModel, Path modelPath) throws IOException {
        db = TestDatabase.fresh(label, 4);
        social = TestDatabase.social(db);
        index = PostIndex.open(new ByteBuffersDirectory(), null);
        PostExport export = new PostExport(db);
        indexer = new OutboxIndexer(index, social.outbox(), export);
        search = new PostSearch(index, export, Clock.systemUTC());
        registry = ModelRegistry.withDefaultOpener();
        local = LocalBackend.open(modelPath, LocalBackend.Options.defaults().withModelId("tiny"));
        model = new RecordingBackend(local);
        registry.addOpened(ModelFiles.describe(modelPath, "tiny"), new OpenedModel(model, PromptSizer.of(local)), false);
        if (assignModel) {
            registry.assignAll("tiny");
        }
        ai = StarlingAi.create(social, search, registry, Prompts.classpath(), settings);
    }

    /** Settings for tests: short generations, fixed seed. */
    static AnswerSettings testSettings() {
        return AnswerSettings.defaults().withMaxTokens(24).withSampling(0.8, java.util.OptionalLong.of(7))
                .withInstanceHosts(java.util.Set.of("starling.test"));
    }

    void index() {
        indexer.catchUp();
    }

    @Override
    public void close() {
        try {
            registry.close();
            index.close();
        } finally {
            db.close();
        }
    }
}
