package dev.starling.app.ai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.ai.answers.AnswerListener;
import dev.starling.ai.answers.AnswerOutcome;
import dev.starling.ai.registry.Feature;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.ai.training.TrainingConfig;
import dev.starling.app.model.ModelServingOptions;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import dev.starling.search.SearchService;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.db.Database;
import dev.starling.social.demo.Corpus;
import dev.starling.social.demo.DemoNetwork;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** serve's AI wiring over a real database and search: a given model, the demo model trained in the background, none. */
class AiWiringTest {

    @TempDir
    Path dir;

    static ModelServingOptions options(String... args) {
        ModelServingOptions o = new ModelServingOptions();
        new CommandLine(o).parseArgs(args);
        return o;
    }

    @Test
    void aGivenModelServesEveryFeature() throws Exception {
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.write(Shape.TINY_LLAMA, GgmlType.F32, null, 2, model);
        ModelServingOptions o = options("--model", model.toString());
        try (Database db = TestDatabase.fresh("ai_wiring_model", 4);
             ModelServingOptions.Serving serving = o.open()) {
            Social social = TestDatabase.social(db);
            Account a = social.accounts().createWithoutPassword("ann", "ann@example.org", "", false).orThrow();
            social.posts().create(a.id(), NewPost.of("the ferry runs late on sundays")).orThrow();
            try (SearchService search = SearchService.start(dir.resolve("data"), social, null);
                 AiWiring ai = AiWiring.start(social, search, serving, o, new AiWiring.Config(dir, false, "https://starling.test", 280, null))) {
                search.indexer().catchUp();
                for (Feature f : Feature.values()) {
                    assertEquals("tiny", ai.registry().snapshot().serving().get(f), f.apiName());
                }
                AnswerOutcome.Answered ans = assertInstanceOf(AnswerOutcome.Answered.class,
                        ai.ai().ask().ask(a.id(), "ferry on sundays", AnswerListener.NONE));
                assertEquals("tiny", ans.answer().modelId());
                assertEquals(2, ai.routes().size());
                assertEquals(4, ai.webFeatures().size());
                assertTrue(ai.webFeatures().stream().anyMatch(w -> w instanceof dev.starling.server.web.ai.AssistantMarks),
                        "post cards mark the assistant's replies");
                assertEquals(Set.of("starling.test"), ai.ai().settings().instanceHosts());
            }
            assertTrue(serving.backend().models().isOk(), "the /v1 backend is closed by its owner, not by the AI wiring");
        }
    }

    @Test
    void copyWeightFlagSetsTheStoredValueThatALaterStartKeeps() throws Exception {
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.write(Shape.TINY_LLAMA, GgmlType.F32, null, 2, model);
        ModelServingOptions o = options("--model", model.toString());
        try (Database db = TestDatabase.fresh("ai_wiring_copy", 4);
             ModelServingOptions.Serving serving = o.open()) {
            Social social = TestDatabase.social(db);
            Account a = social.accounts().createWithoutPassword("ann", "ann@example.org", "", false).orThrow();
            social.posts().create(a.id(), NewPost.of("the ferry runs late on sundays")).orThrow();
            try (SearchService search = SearchService.start(dir.resolve("data"), social, null)) {
                search.indexer().catchUp();
                try (AiWiring ai = AiWiring.start(social, search, serving, o,
                        new AiWiring.Config(dir, false, null, 280, null, null, 0.3))) {
                    assertEquals(OptionalDouble.of(0.3), ai.ai().copyWeight().current());
                    assertEquals("serve --copy-weight", ai.ai().copyWeight().value().changedBy());
                    AnswerOutcome.Answered ans = assertInstanceOf(AnswerOutcome.Answered.class,
                            ai.ai().ask().ask(a.id(), "ferry on sundays", AnswerListener.NONE));
                    assertEquals(0.3, ans.answer().copyWeight());
                    // the admin page's change (the same setting object) applies to the next request
                    ai.ai().copyWeight().set(OptionalDouble.of(0.2), "admin @root");
                }
                // a later start without the flag keeps what was stored last
                try (AiWiring ai = AiWiring.start(social, search, serving, o, new AiWiring.Config(dir, false, null, 280, null))) {
                    assertEquals(OptionalDouble.of(0.2), ai.ai().copyWeight().current());
                    AnswerOutcome.Answered ans = assertInstanceOf(AnswerOutcome.Answered.class,
                            ai.ai().ask().ask(a.id(), "ferry on sundays", AnswerListener.NONE));
                    assertEquals(0.2, ans.answer().copyWeight());
                }
                assertThrows(IllegalArgumentException.class, () -> new AiWiring.Config(dir, false, null, 280, null, null, 1.0));
            }
        }
    }

    @Test
    void withoutAModelFeaturesSaySoAndABrokenPromptOverrideFailsFast() throws Exception {
        Files.writeString(dir.resolve("ask.txt"), "no header\n");
        try (Database db = TestDatabase.fresh("ai_wiring_none", 4)) {
            Social social = TestDatabase.social(db);
            try (SearchService search = SearchService.start(dir.resolve("data"), social, null)) {
                ModelServingOptions none = options();
                try (ModelServingOptions.Serving serving = none.open();
                     AiWiring ai = AiWiring.start(social, search, serving, none, new AiWiring.Config(dir, false, null, 280, null))) {
                    ModelRegistry.Acquired acq = ai.registry().acquire(Feature.ASK);
                    assertTrue(assertInstanceOf(ModelRegistry.Acquired.NotReady.class, acq).reason().contains("--model"));
                }
                ModelServingOptions broken = options("--prompts-dir", dir.toString());
                try (ModelServingOptions.Serving serving = broken.open()) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AiWiring.start(social, search, serving,
                            broken, new AiWiring.Config(dir, false, null, 280, null)));
                    assertTrue(e.getMessage().contains(dir.resolve("ask.txt").toString()), e.getMessage());
                }
            }
        }
    }

    @Test
    void theDemoTrainsAModelInTheBackgroundAndServesItWhenReady() throws Exception {
        TrainingConfig small = TrainingConfig.preset("tiny").withData(1024, 512, 1, 1).withStop(4, 0);
        try (Database db = TestDatabase.fresh("ai_wiring_demo", 4)) {
            DemoNetwork.build(db, 5, Corpus.defaultCorpus(), DemoNetwork.Options.defaults().withAccounts(40));
            Social social = TestDatabase.social(db);
            ModelServingOptions none = options();
            try (SearchService search = SearchService.start(dir.resolve("data"), social, null);
                 ModelServingOptions.Serving serving = none.open();
                 AiWiring ai = AiWiring.start(social, search, serving, none, new AiWiring.Config(dir, true, null, 280, small))) {
                search.indexer().catchUp();
                Account someone = social.accounts().byIds(java.util.List.of(1L)).stream().findFirst()
                        .orElseGet(() -> social.accounts().createWithoutPassword("zed", "z@example.org", "", false).orThrow());
                AnswerOutcome early = ai.ai().ask().ask(someone.id(), "coffee", AnswerListener.NONE);
                if (early instanceof AnswerOutcome.NotReady n) {
                    assertTrue(!n.reason().isBlank(), "the reason says what is happening");
                }
                long deadline = System.nanoTime() + 240_000_000_000L;
                while (ai.registry().snapshot().serving().get(Feature.ASK) == null && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                assertEquals(AiWiring.DEMO_MODEL_ID, ai.registry().snapshot().serving().get(Feature.ASK),
                        "status: " + ai.registry().status());
                var entry = ai.registry().snapshot().models().getFirst().entry();
                assertNotNull(entry.modelCard(), "a model trained here carries its model card");
                assertTrue(Files.isRegularFile(dir.resolve(AiWiring.DEMO_MODEL)));
                Post p = social.posts().create(someone.id(), NewPost.of("the lighthouse keeper waves at boats")).orThrow();
                search.indexer().catchUp();
                AnswerOutcome o = ai.ai().explain().explain(someone.id(), p.id(), AnswerListener.NONE);
                assertEquals(AiWiring.DEMO_MODEL_ID, assertInstanceOf(AnswerOutcome.Answered.class, o, () -> "got " + o).answer().modelId());
            }
        }
    }
}
