package dev.starling.ai.assistant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.ai.answers.CopyWeightSetting;
import dev.starling.ai.backend.CopyEvidence;
import dev.starling.ai.backend.LocalBackend;
import dev.starling.ai.answers.RecordingBackend;
import dev.starling.ai.budget.AiBudget;
import dev.starling.ai.prompts.Prompts;
import dev.starling.ai.registry.Feature;
import dev.starling.ai.registry.ModelFiles;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.ai.registry.OpenedModel;
import dev.starling.ai.registry.PromptSizer;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The assistant reads the operator's copy weight ({@link CopyWeightSetting}) once per mention: a change applies to the next. */
class AssistantCopyWeightTest {

    @TempDir
    Path dir;

    @Test
    void aChangedCopyWeightAppliesFromTheNextMention() throws Exception {
        Path gguf = TinyModel.write(dir);
        try (Database db = TestDatabase.fresh("assistant_copy", 4);
             ModelRegistry registry = ModelRegistry.withDefaultOpener()) {
            Social social = TestDatabase.social(db);
            LocalBackend local = LocalBackend.open(gguf, LocalBackend.Options.defaults().withModelId(TinyModel.ID));
            RecordingBackend model = new RecordingBackend(local);
            registry.addOpened(ModelFiles.describe(gguf, TinyModel.ID), new OpenedModel(model, PromptSizer.of(local)), false);
            registry.assign(Feature.ASSISTANT, TinyModel.ID);
            CopyWeightSetting setting = CopyWeightSetting.inMemory(OptionalDouble.empty());
            AssistantConfig config = AssistantConfig.defaults().withHandle("starling").withGeneration(12, 20_000, 1, 10);
            try (AssistantService assistant = AssistantService.create(social, registry, null, new AiBudget(db, AiBudget.Config.defaults(),
                    Clock.systemUTC()), Prompts.classpath(), config, setting)) {
                Account ann = social.accounts().createWithoutPassword("ann", "ann@example.org", "", false).orThrow();
                Post root = social.posts().create(ann.id(), NewPost.of("The ferry to the island runs late on sundays")).orThrow();
                // by model: the synthetic model has no Starling model card, so no copy evidence
                handle(assistant, model, social, ann, root, "@starling when does it run?");
                assertNull(model.copies.getLast());
                setting.set(OptionalDouble.of(0.6), "test");
                handle(assistant, model, social, ann, root, "@starling and on mondays?");
                CopyEvidence copy = model.copies.getLast();
                assertEquals(0.6, copy.weight());
                assertTrue(copy.texts().stream().anyMatch(t -> t.contains("ferry to the island")), "copies from the thread: " + copy.texts());
                assertTrue(copy.texts().stream().noneMatch(t -> t.contains("mondays")), "never from the mention itself: " + copy.texts());
                setting.set(OptionalDouble.of(0), "test");
                handle(assistant, model, social, ann, root, "@starling thanks");
                assertNull(model.copies.getLast(), "weight 0: no copying");
            }
        }
    }

    /** Handles one mention replying to {@code root}; the model must have been called for it. */
    private static void handle(AssistantService assistant, RecordingBackend model, Social social, Account author, Post root, String text) {
        int calls = model.copies.size();
        Post m = social.posts().create(author.id(), NewPost.of(text).replyTo(root.id())).orThrow();
        MentionOutcome o = assistant.handle(m.id());
        assertTrue(o instanceof MentionOutcome.Replied || o instanceof MentionOutcome.Failed, o.toString());
        assertEquals(calls + 1, model.copies.size(), "one generation for the mention: " + o);
    }
}
