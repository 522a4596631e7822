package dev.starling.ai.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import dev.starling.social.db.Database;
import dev.starling.social.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model switch survives a restart (a new registry over the same database), when the model is still there. */
class ModelSelectionsTest {

    @TempDir
    Path dir;

    /** What serve does on start: the configured model for every feature, then the saved choices. */
    static ModelRegistry start(Database db, Path configured, String id) throws Exception {
        ModelRegistry r = ModelRegistry.withDefaultOpener();
        r.addFile(configured, id);
        assertInstanceOf(ModelRegistry.SwitchOutcome.Switched.class, r.assignAll(id));
        ModelSelections.attach(r, db);
        return r;
    }

    @Test
    void aSwitchIsRestoredAfterARestartAndAGoneFileIsReported() throws Exception {
        Path base = dir.resolve("base.gguf");
        Path tuned = dir.resolve("tuned.gguf");
        SyntheticModel.write(Shape.TINY_LLAMA, GgmlType.F32, null, 3, base);
        SyntheticModel.write(Shape.TINY_LLAMA, GgmlType.F32, null, 5, tuned);
        try (Database db = TestDatabase.fresh("ai_model_selections", 2)) {
            // first run: an admin registers and switches two features to the tuned model
            try (ModelRegistry first = start(db, base, "base")) {
                first.addFile(tuned, "tuned");
                assertInstanceOf(ModelRegistry.SwitchOutcome.Switched.class, first.assign(Feature.ASK, "tuned"));
                assertInstanceOf(ModelRegistry.SwitchOutcome.Switched.class, first.assign(Feature.ASSISTANT, "tuned"));
                // a switch back is saved too
                assertInstanceOf(ModelRegistry.SwitchOutcome.Switched.class, first.assign(Feature.ASSISTANT, "base"));
                Map<Feature, ModelSelections.Selection> saved = new ModelSelections(db, java.time.Clock.systemUTC()).load();
                assertEquals("tuned", saved.get(Feature.ASK).modelId());
                assertEquals(tuned.toAbsolutePath().toString(), saved.get(Feature.ASK).location());
                assertEquals("base", saved.get(Feature.ASSISTANT).modelId());
            }
            // restart: only the base model is configured; the tuned file is registered again from the saved choice
            try (ModelRegistry second = start(db, base, "base")) {
                Map<Feature, String> serving = second.snapshot().serving();
                assertEquals("tuned", serving.get(Feature.ASK));
                assertEquals("base", serving.get(Feature.ASSISTANT));
                assertEquals("base", serving.get(Feature.EXPLAIN));
                // requests really run on it
                try (ModelLease lease = ((ModelRegistry.Acquired.Ready) second.acquire(Feature.ASK)).lease()) {
                    assertEquals("tuned", lease.modelId());
                }
            }
            // the tuned file is deleted: the next start keeps the configured model and says why
            Files.delete(tuned);
            ModelRegistry third = ModelRegistry.withDefaultOpener();
            third.addFile(base, "base");
            third.assignAll("base");
            List<String> report = ModelSelections.attach(third, db);
            try (third) {
                assertEquals("base", third.snapshot().serving().get(Feature.ASK));
                String ask = report.stream().filter(l -> l.startsWith("ask:")).findFirst().orElseThrow();
                assertTrue(ask.contains("is not restored: its file " + tuned.toAbsolutePath() + " no longer exists; it keeps model base"), ask);
                // the saved choice is kept (the file may come back), until the next switch
                assertEquals("tuned", new ModelSelections(db, java.time.Clock.systemUTC()).load().get(Feature.ASK).modelId());
            }
        }
    }

    @Test
    void aModelRegisteredUnderTheSameIdIsUsedAndRemoteOnesMustBeConfigured() throws Exception {
        Path a = dir.resolve("a.gguf");
        SyntheticModel.write(Shape.TINY_LLAMA, GgmlType.F32, null, 7, a);
        try (Database db = TestDatabase.fresh("ai_model_selections_remote", 2)) {
            ModelSelections store = new ModelSelections(db, java.time.Clock.systemUTC());
            store.save(Feature.TRENDS, ModelRegistry.remoteEntry("upstream-7b", "http://127.0.0.1:9/v1", 4096));
            store.save(Feature.COMPOSE, new ModelEntry("a", ModelEntry.Kind.LOCAL, "/nonexistent/elsewhere.gguf", "llama", 1, 1, 64, null));
            try (ModelRegistry r = ModelRegistry.withDefaultOpener()) {
                r.addFile(a, "a");
                List<String> report = ModelSelections.attach(r, db);
                // "a" is registered (from another path): compose uses it; the remote model is not configured: trends has none
                assertEquals("a", r.snapshot().serving().get(Feature.COMPOSE));
                assertEquals(null, r.snapshot().serving().get(Feature.TRENDS));
                assertTrue(report.stream().anyMatch(l -> l.startsWith("trends:") && l.contains("the remote model at http://127.0.0.1:9/v1 is"
                        + " not configured any more; it has no model")), report.toString());
            }
        }
    }
}
