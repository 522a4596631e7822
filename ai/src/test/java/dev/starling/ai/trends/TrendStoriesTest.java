package dev.starling.ai.trends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.ai.prompts.Prompts;
import dev.starling.ai.registry.Feature;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import dev.starling.search.embed.MiniLmEmbedder;
import dev.starling.social.Social;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.posts.PostWriter;
import dev.starling.social.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stories over a real database with MiniLM embeddings and a real (tiny, random-weight) model of our engine: two
 * unrelated bursts become two stories; without a model they are listed and say why; with the model their text
 * names the model and prompt and cites at least three public posts; hiding a story sticks across updates; a deleted
 * cited post withholds the text until it is rewritten.
 */
class TrendStoriesTest {

    private static final Shape TINY = new Shape("tiny-trends", "llama", 64, 2, 4, 2, 16, 128, 0, 4096, 10000f, 1e-5f,
            false, false, false, 0f);

    @TempDir
    static Path dir;

    private static Database db;
    private static Social social;
    private static Clock clock;
    private static TrendLists lists;
    private static MiniLmEmbedder embedder;
    private static final List<Long> auroraPosts = new ArrayList<>();
    private static long admin;

    @BeforeAll
    static void network() {
        db = TestDatabase.fresh("trend_stories");
        social = TestDatabase.social(db);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        clock = Clock.fixed(now, ZoneOffset.UTC);
        List<Long> accounts = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            accounts.add(social.accounts().createWithoutPassword("s" + i, "s" + i + "@example.test", "", false).orThrow().id());
        }
        admin = accounts.getFirst();
        String[] aurora = {"Northern lights dancing over the lake tonight #Aurora", "Green sky everywhere, northern lights again #Aurora",
                "Never seen northern lights this bright #Aurora", "The solar storm brought northern lights south #Aurora",
                "Kids woke up for the northern lights #Aurora", "Photos of the northern lights from the hill #Aurora",
                "Clouds cleared, northern lights visible #Aurora"};
        String[] marathon = {"City marathon route closed downtown all morning #Marathon", "Cheering at mile 20 #Marathon, route closed near the bridge",
                "Traffic chaos: marathon route closed #Marathon", "Finished my first #Marathon, route closed streets felt huge",
                "Bus detours because the marathon route closed #Marathon", "Water station volunteers needed #Marathon route closed"};
        db.inTransaction(c -> {
            for (int i = 0; i < aurora.length; i++) {
                auroraPosts.add(PostWriter.insert(c, accounts.get(i), NewPost.of(aurora[i], PostVisibility.PUBLIC),
                        now.minus(Duration.ofMinutes(10 + i))).orThrow().id());
            }
            for (int i = 0; i < marathon.length; i++) {
                PostWriter.insert(c, accounts.get(8 + i), NewPost.of(marathon[i], PostVisibility.PUBLIC), now.minus(Duration.ofMinutes(30 + i))).orThrow();
            }
            return null;
        });
        new TrendCounter(db, social.outbox(), clock, TrendCounter.Options.defaults()).catchUp();
        new TrendRefresh(db, clock, TrendRefresh.Settings.defaults()).refresh(now);
        lists = new TrendLists(db, clock);
        embedder = new MiniLmEmbedder();
    }

    @AfterAll
    static void down() {
        db.close();
    }

    private static Set<String> terms(TrendStory s) {
        Set<String> out = new java.util.TreeSet<>();
        s.items().forEach(i -> out.add(i.term()));
        return out;
    }

    @Test
    void storiesWithoutAModelThenWithTheModel() throws Exception {
        // no model assigned to trends: stories are listed, without text, and say why
        try (ModelRegistry registry = ModelRegistry.withDefaultOpener()) {
            registry.setStatus("training: 45%");
            TrendStories stories = new TrendStories(db, lists, embedder, new StoryWriter(registry, Prompts.classpath(), StoryWriter.Settings.defaults()),
                    clock, TrendStories.Settings.defaults());
            TrendStories.UpdateResult u = stories.update();
            assertEquals(2, u.stories(), u.toString());
            assertEquals(2, u.withoutModel());
            List<TrendStory> listed = stories.list(0, 10);
            assertEquals(2, listed.size());
            assertTrue(terms(listed.get(0)).contains("aurora") && terms(listed.get(0)).contains("northern lights"), listed.toString());
            assertTrue(terms(listed.get(1)).contains("marathon") && terms(listed.get(1)).contains("route closed"), listed.toString());
            for (TrendStory s : listed) {
                assertEquals("no_model", s.textState());
                assertTrue(s.reason().contains("training: 45%"), s.reason());
                assertNull(s.headline());
                assertTrue(s.postIds().size() >= 3);
            }
        }
        long auroraStory = new TrendStories(db, lists, embedder, null, clock, TrendStories.Settings.defaults()).list(0, 10).getFirst().id();

        // a real model of our engine (random weights): the text is written once, names model and prompt, cites >= 3 public posts
        Path gguf = dir.resolve("tiny-trends.gguf");
        SyntheticModel.write(TINY, GgmlType.F32, null, 5, gguf);
        try (ModelRegistry registry = ModelRegistry.withDefaultOpener()) {
            registry.addFile(gguf, "tiny-trends");
            assertTrue(registry.assign(Feature.TRENDS, "tiny-trends") instanceof ModelRegistry.SwitchOutcome.Switched);
            TrendStories stories = new TrendStories(db, lists, embedder, new StoryWriter(registry, Prompts.classpath(),
                    new StoryWriter.Settings(24, 60_000, 200)), clock, TrendStories.Settings.defaults());
            TrendStories.UpdateResult u = stories.update();
            assertEquals(2, u.written() + u.failed(), u.toString());
            List<TrendStory> listed = stories.list(0, 10);
            assertEquals(auroraStory, listed.getFirst().id(), "the same cluster keeps its id");
            for (TrendStory s : listed) {
                if (s.textState().equals("failed")) {
                    assertTrue(s.reason().startsWith("the model wrote no headline"), s.reason());
                    continue;
                }
                assertEquals("generated", s.textState(), s.toString());
                assertNotNull(s.headline());
                assertEquals("tiny-trends", s.modelId());
                assertEquals("trend-story", s.promptName());
                assertTrue(s.promptVersion().startsWith("1+"), s.promptVersion());
                assertTrue(s.citedPostIds().size() >= 3, s.toString());
                for (long p : s.citedPostIds()) {
                    assertEquals(PostVisibility.PUBLIC, social.posts().get(null, p).orElseThrow().visibility());
                }
                assertFalse((s.headline() + s.summary()).contains("http"), s.toString());
            }
            assertTrue(listed.stream().anyMatch(TrendStory::generated), "random weights still write some headline: " + listed);
            // nothing changed: the next update writes nothing
            assertEquals(0, stories.update().written());
            // a new post joins the burst: the representative posts change, the items do not: no rewrite either
            long newcomer = social.accounts().createWithoutPassword("s99", "s99@example.test", "", false).orThrow().id();
            long fresh = db.inTransaction(c -> PostWriter.insert(c, newcomer, NewPost.of("Northern lights from the ferry #Aurora",
                    PostVisibility.PUBLIC), clock.instant().minusSeconds(60)).orThrow().id());
            new TrendCounter(db, social.outbox(), clock, TrendCounter.Options.defaults()).catchUp();
            new TrendRefresh(db, clock, TrendRefresh.Settings.defaults()).refresh(clock.instant());
            TrendStories.UpdateResult unchanged = stories.update();
            assertEquals(0, unchanged.written(), unchanged.toString());
            assertTrue(stories.get(auroraStory).orElseThrow().postIds().contains(fresh), "the newest post is among the story's posts");

            // hiding sticks across updates
            TrendModeration mod = new TrendModeration(db);
            assertTrue(mod.hideStory(auroraStory, admin));
            stories.update();
            assertTrue(stories.list(0, 10).stream().noneMatch(s -> s.id() == auroraStory));
            assertTrue(stories.get(auroraStory).orElseThrow().hidden());
            assertTrue(mod.unhideStory(auroraStory));
            assertEquals(auroraStory, stories.list(0, 10).getFirst().id());
            assertFalse(mod.hideStory(-5, admin));

            // a cited post deleted: its text is withheld until the next update rewrites it
            TrendStory before = stories.get(auroraStory).orElseThrow();
            if (before.generated()) {
                long cited = before.citedPostIds().getFirst();
                long author = social.posts().get(null, cited).orElseThrow().authorId();
                social.posts().delete(author, cited).orThrow();
                TrendStory stale = stories.get(auroraStory).orElseThrow();
                assertEquals("stale", stale.textState());
                assertNull(stale.headline());
                assertFalse(stale.postIds().contains(cited));
                new TrendCounter(db, social.outbox(), clock, TrendCounter.Options.defaults()).catchUp();
                stories.update();
                TrendStory again = stories.get(auroraStory).orElseThrow();
                assertFalse(again.citedPostIds().contains(cited), again.toString());
            }
            // a hidden item leaves the story's items
            mod.hide(TrendKind.PHRASE, "northern lights", admin);
            assertFalse(terms(stories.get(auroraStory).orElseThrow()).contains("northern lights"));
            mod.unhide(TrendKind.PHRASE, "northern lights");
        }
    }
}
