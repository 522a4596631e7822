package dev.starling.server.web.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.ai.prompts.Prompts;
import dev.starling.ai.registry.Feature;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.ai.training.TrainingProgress;
import dev.starling.ai.trends.StoryWriter;
import dev.starling.ai.trends.TrendCounter;
import dev.starling.ai.trends.TrendLists;
import dev.starling.ai.trends.TrendModeration;
import dev.starling.ai.trends.TrendRefresh;
import dev.starling.ai.trends.TrendStories;
import dev.starling.ai.trends.TrendStory;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import dev.starling.server.ServerOptions;
import dev.starling.server.Starling;
import dev.starling.server.testing.TestServer;
import dev.starling.server.web.Browser;
import dev.starling.server.web.WebFeature;
import dev.starling.server.web.ai.ExplorePages;
import dev.starling.social.Social;
import dev.starling.social.accounts.Role;
import dev.starling.social.accounts.SignUp;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.posts.PostWriter;
import dev.starling.social.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Explore and the admin area over a real server, real trend tables filled by the real counter and
 * scoring from a planted burst, stories written by a tiny model of our engine, and the registry.
 */
class AdminAndExplorePagesTest {
    static final String MODEL_ID = "tiny-admin";
    static Database db;
    static Social social;
    static ModelRegistry registry;
    static TrendStories stories;
    static TrendModeration moderation;
    static Starling starling;
    static String base;
    static Path dir;
    static long auroraStory;

    @BeforeAll
    static void up() throws Exception {
        db = TestDatabase.fresh("web_admin");
        social = TestDatabase.social(db);
        long admin = social.accounts().signUp(new SignUp("root_admin", "root@example.org", "correct horse root_admin")).orThrow().id();
        social.accounts().setRole(admin, Role.ADMIN).orThrow();
        social.accounts().signUp(new SignUp("plain_user", "plain@example.org", "correct horse plain_user")).orThrow();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        List<Long> accounts = new ArrayList<>();
        for (int i = 0; i < 8; i++) accounts.add(social.accounts().createWithoutPassword("sky" + i, "sky" + i + "@example.test", "", false).orThrow().id());
        db.inTransaction(c -> {
            for (int i = 0; i < accounts.size(); i++) {
                PostWriter.insert(c, accounts.get(i), NewPost.of("Northern lights over the lake tonight, photo " + i + " #Aurora", PostVisibility.PUBLIC),
                        now.minus(Duration.ofMinutes(5 + i))).orThrow();
            }
            return null;
        });
        new TrendCounter(db, social.outbox(), clock, TrendCounter.Options.defaults()).catchUp();
        new TrendRefresh(db, clock, TrendRefresh.Settings.defaults()).refresh(now);
        TrendLists lists = new TrendLists(db, clock);
        dir = Files.createTempDirectory("web-admin-test");
        Path gguf = dir.resolve(MODEL_ID + ".gguf");
        SyntheticModel.write(new Shape(MODEL_ID, "llama", 64, 2, 4, 2, 16, 128, 0, 4096, 10000f, 1e-5f, false, false, false, 0f),
                GgmlType.F32, null, 3, gguf);
        registry = ModelRegistry.withDefaultOpener();
        registry.addFile(gguf, MODEL_ID);
        registry.assign(Feature.TRENDS, MODEL_ID);
        stories = new TrendStories(db, lists, null, new StoryWriter(registry, Prompts.classpath(), new StoryWriter.Settings(24, 60_000, 200)),
                clock, TrendStories.Settings.defaults());
        stories.update();
        List<TrendStory> listed = stories.list(0, 10);
        assertEquals(1, listed.size(), "the burst makes one story: " + listed);
        auroraStory = listed.getFirst().id();
        moderation = new TrendModeration(db);
        TrainingRuns runs = () -> List.of(new TrainingRuns.Run("demo model", "/data/models/demo.gguf",
                new TrainingProgress(TrainingProgress.Phase.TRAINING, 45, 100, 4.25, 4.5, 1234, 60_000, 30_000, "validation loss 4.500")));
        List<WebFeature> pages = List.of(new ExplorePages(lists, stories), new AdminPages(registry, runs, lists, stories, moderation),
                new dev.starling.server.web.ai.AiPages(null, null));
        starling = Starling.start(social, ServerOptions.defaults().withPort(0).withRateLimits(TestServer.generousLimits()), List.of(), pages);
        base = "http://127.0.0.1:" + starling.port();
    }

    @AfterAll
    static void down() throws Exception {
        starling.close();
        registry.close();
        db.close();
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The "Trending hashtags" section of the Explore page (post cards elsewhere link hashtags too). */
    static String trendingTags(String html) {
        int start = html.indexOf("id=\"trending-tags\"");
        assertTrue(start > 0, html);
        return html.substring(start, html.indexOf("</section>", start));
    }

    static Browser admin() {
        Browser b = new Browser(base);
        assertEquals(303, b.signIn("root_admin").status());
        return b;
    }

    @Test
    void exploreShowsTrendingHashtagsAndTheStoryMarkedAiGenerated() {
        Browser.Page p = new Browser(base).get("/explore");
        assertEquals(200, p.status());
        assertTrue(trendingTags(p.body()).contains("href=\"/tags/aurora\""), p.body());
        assertTrue(p.body().contains("id=\"story-" + auroraStory + "\""), p.body());
        TrendStory s = stories.get(auroraStory).orElseThrow();
        if (s.generated()) {
            assertTrue(p.body().contains("id=\"story-" + auroraStory + "-label\"><strong>AI-generated</strong> by the model <code>" + MODEL_ID),
                    p.body());
            assertTrue(p.body().contains("Posts it cites (" + s.citedPostIds().size() + ")"), p.body());
            for (long cited : s.citedPostIds()) {
                assertTrue(p.body().contains("id=\"explain-" + cited + "\" href=\"/posts/" + cited + "/explain\""), "cited cards link to Explain: " + p.body());
                assertTrue(p.body().contains("id=\"summarize-" + cited + "\" href=\"/posts/" + cited + "/summarize\""), p.body());
            }
        } else {
            assertTrue(p.body().contains("id=\"story-" + auroraStory + "-reason\""), "a story without text says why: " + p.body());
        }
    }

    @Test
    void exploreWithoutTrendsSaysSo() {
        Starling bare = Starling.start(social, ServerOptions.defaults().withPort(0).withRateLimits(TestServer.generousLimits()), List.of(),
                List.of(new ExplorePages(null, null)));
        try {
            Browser.Page p = new Browser("http://127.0.0.1:" + bare.port()).get("/explore");
            assertEquals(200, p.status());
            assertTrue(p.body().contains("id=\"trends-unavailable\""), p.body());
        } finally {
            bare.close();
        }
    }

    @Test
    void onlyAdminsGetIn() {
        assertEquals(303, new Browser(base).get("/admin").status());
        Browser plain = new Browser(base);
        assertEquals(303, plain.signIn("plain_user").status());
        Browser.Page p = plain.get("/admin");
        assertEquals(403, p.status());
        assertTrue(p.body().contains("for the administrators"), p.body());
        plain.get("/");
        assertEquals(403, plain.post("/admin/trends/hide", Map.of("kind", "tag", "term", "aurora")).status());
        assertTrue(trendingTags(new Browser(base).get("/explore").body()).contains("href=\"/tags/aurora\""), "nothing was hidden");
    }

    @Test
    void adminSeesModelsServingTrainingProgressAndTrends() {
        Browser.Page p = admin().get("/admin");
        assertEquals(200, p.status(), p.body());
        assertTrue(p.body().contains("id=\"model-" + MODEL_ID + "\""), p.body());
        assertTrue(p.body().contains("<th scope=\"row\">trends</th><td>" + MODEL_ID + "</td>"), p.body());
        assertTrue(p.body().contains("<th scope=\"row\">assistant</th><td>none (not ready)</td>"), p.body());
        assertTrue(p.body().contains("id=\"run-0-progress\" max=\"100\" value=\"45\""), p.body());
        assertTrue(p.body().contains("step 45/100"), p.body());
        assertTrue(p.body().contains("tag: <strong>aurora</strong>"), p.body());
        assertTrue(p.body().contains("id=\"hide-story-" + auroraStory + "\""), p.body());
    }

    @Test
    void adminSwitchesTheModelOfAFeatureAndUnknownModelsAreRefused() {
        Browser b = admin();
        b.get("/admin");
        Browser.Page ok = b.post("/admin/models/assign", Map.of("model_id", MODEL_ID, "feature", "compose"));
        assertEquals(303, ok.status(), ok.body());
        assertEquals(MODEL_ID, registry.snapshot().serving().get(Feature.COMPOSE));
        Browser.Page unknown = b.post("/admin/models/assign", Map.of("model_id", "nope", "feature", "all"));
        assertEquals(422, unknown.status());
        assertTrue(unknown.body().contains("The model was not switched: no model &#39;nope&#39;") || unknown.body().contains("no model"), unknown.body());
        assertEquals(422, b.post("/admin/models/assign", Map.of("model_id", MODEL_ID, "feature", "dance")).status());
        assertEquals(403, b.postRaw("/admin/models/assign", Map.of("model_id", MODEL_ID, "feature", "all"), Map.of()).status());
    }

    @Test
    void hidingATagOrAStoryRemovesItFromExploreUntilShownAgain() {
        Browser b = admin();
        b.get("/admin");
        assertEquals(303, b.post("/admin/trends/hide", Map.of("kind", "tag", "term", "#Aurora")).status());
        assertFalse(trendingTags(new Browser(base).get("/explore").body()).contains("href=\"/tags/aurora\""), "hidden tag gone from Explore");
        Browser.Page page = b.get("/admin");
        assertTrue(page.body().contains("id=\"unhide-tag-0\""), page.body());
        assertEquals(303, b.post("/admin/trends/unhide", Map.of("kind", "tag", "term", "aurora")).status());
        assertTrue(trendingTags(new Browser(base).get("/explore").body()).contains("href=\"/tags/aurora\""));
        assertEquals(422, b.post("/admin/trends/unhide", Map.of("kind", "tag", "term", "aurora")).status(), "no longer hidden");
        assertEquals(422, b.post("/admin/trends/hide", Map.of("kind", "meme", "term", "x")).status());

        assertEquals(303, b.post("/admin/stories/" + auroraStory + "/hide", Map.of()).status());
        assertFalse(new Browser(base).get("/explore").body().contains("id=\"story-" + auroraStory + "\""));
        assertEquals(303, b.post("/admin/stories/unhide", Map.of("story_id", Long.toString(auroraStory))).status());
        assertTrue(new Browser(base).get("/explore").body().contains("id=\"story-" + auroraStory + "\""));
        assertEquals(422, b.post("/admin/stories/unhide", Map.of("story_id", "")).status());
        assertEquals(422, b.post("/admin/stories/987654/hide", Map.of()).status());
    }
}
