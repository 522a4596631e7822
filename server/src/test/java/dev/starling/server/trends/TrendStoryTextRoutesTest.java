package dev.starling.server.trends;

import static dev.starling.server.testing.Api.map;
import static dev.starling.server.testing.Users.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.ai.prompts.Prompts;
import dev.starling.ai.registry.Feature;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.ai.trends.StoryWriter;
import dev.starling.ai.trends.TrendCounter;
import dev.starling.ai.trends.TrendLists;
import dev.starling.ai.trends.TrendModeration;
import dev.starling.ai.trends.TrendRefresh;
import dev.starling.ai.trends.TrendStories;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import dev.starling.server.ServerOptions;
import dev.starling.server.Starling;
import dev.starling.server.http.Json;
import dev.starling.server.http.RouteSupport;
import dev.starling.server.testing.Api;
import dev.starling.server.testing.TestServer;
import dev.starling.server.testing.Users;
import dev.starling.server.testing.Users.User;
import dev.starling.social.Social;
import dev.starling.social.db.Database;
import dev.starling.social.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A story written by a real (tiny, random-weight) model of our engine, over HTTP: marked AI-generated with model and
 * prompt, citing at least three public posts by number; a viewer who blocks a cited author keeps the numbering but
 * neither sees that post nor its id.
 */
class TrendStoryTextRoutesTest {

    private static final Shape TINY = new Shape("tiny-trends-http", "llama", 64, 2, 4, 2, 16, 128, 0, 4096, 10000f, 1e-5f,
            false, false, false, 0f);

    @TempDir
    static Path dir;
    static Database db;
    static Starling starling;
    static ModelRegistry registry;
    static Api api;
    static User fay;
    static User eve;

    @BeforeAll
    static void start() throws Exception {
        db = TestServer.freshDatabase();
        Social social = Social.create(db, Social.Settings.defaults().withArgon2(TestDatabase.FAST_ARGON2));
        Path gguf = dir.resolve("tiny.gguf");
        SyntheticModel.write(TINY, GgmlType.F32, null, 5, gguf);
        registry = ModelRegistry.withDefaultOpener();
        registry.addFile(gguf, "tiny-trends-http");
        registry.assign(Feature.TRENDS, "tiny-trends-http");
        Clock clock = Clock.systemUTC();
        TrendLists lists = new TrendLists(db, clock);
        TrendStories stories = new TrendStories(db, lists, null, new StoryWriter(registry, Prompts.classpath(),
                new StoryWriter.Settings(24, 60_000, 200)), clock, TrendStories.Settings.defaults());
        starling = Starling.start(social, ServerOptions.defaults().withPort(0).withRateLimits(TestServer.generousLimits()),
                List.of(new TrendRoutes(new RouteSupport(Json.newMapper(), null), social, lists, stories, new TrendModeration(db))));
        api = new Api("http://127.0.0.1:" + starling.port());
        Users users = new Users(api);
        List<User> people = new ArrayList<>();
        for (String n : List.of("ann", "ben", "cid", "dan", "eve", "fay")) {
            people.add(users.signUp(n));
        }
        fay = people.get(5); // posts last: the newest posts are the story's
        eve = people.get(4);
        for (User u : people) {
            check(api.postForm("/api/v1/statuses", u.token(), map("status", "Flooded streets by the river, " + u.username()
                    + " says stay home #Flood", "visibility", "public")), 200);
        }
        check(api.postForm("/api/v1/accounts/" + fay.id() + "/block", eve.token(), map()), 200);
        new TrendCounter(db, social.outbox(), clock, TrendCounter.Options.defaults()).catchUp();
        new TrendRefresh(db, clock, TrendRefresh.Settings.defaults()).refresh();
        stories.update();
    }

    @AfterAll
    static void stop() {
        try {
            starling.close();
            registry.close();
        } finally {
            db.close();
        }
    }

    @Test
    void aWrittenStoryNamesModelAndPromptAndCitesPublicPosts() {
        JsonNode s = check(api.get("/api/v1/starling/trends/stories", null), 200).json().get(0);
        assertTrue(s.get("ai_generated").asBoolean(), s.toString());
        assertEquals("generated", s.get("text_state").asText());
        assertFalse(s.get("headline").asText().isBlank());
        assertEquals("tiny-trends-http", s.get("model").asText());
        assertEquals("trend-story", s.get("prompt").get("name").asText());
        assertTrue(s.get("prompt").get("version").asText().startsWith("1+"));
        JsonNode citations = s.get("citations");
        assertTrue(citations.size() >= 3, citations.toString());
        for (int i = 0; i < citations.size(); i++) {
            assertEquals(i + 1, citations.get(i).get("n").asInt());
            assertFalse(citations.get(i).get("status_id").isNull());
        }
        assertEquals(citations.size(), s.get("statuses").size());
        s.get("statuses").forEach(p -> assertEquals("public", p.get("visibility").asText()));
        assertFalse((s.get("headline").asText() + s.get("summary").asText()).contains("http"));
    }

    @Test
    void aViewerWhoBlocksACitedAuthorSeesTheNumberButNotThePost() {
        JsonNode anon = check(api.get("/api/v1/starling/trends/stories", null), 200).json().get(0);
        JsonNode mine = check(api.get("/api/v1/starling/trends/stories", eve.token()), 200).json().get(0);
        assertEquals(anon.get("citations").size(), mine.get("citations").size(), "numbering kept");
        List<String> fayPosts = new ArrayList<>();
        anon.get("statuses").forEach(p -> {
            if (p.get("account").get("id").asText().equals(fay.id())) {
                fayPosts.add(p.get("id").asText());
            }
        });
        assertEquals(1, fayPosts.size(), "fay's post is among the cited ones");
        mine.get("statuses").forEach(p -> assertFalse(p.get("account").get("id").asText().equals(fay.id())));
        int hiddenCitations = 0;
        for (JsonNode c : mine.get("citations")) {
            if (c.get("status_id").isNull()) {
                hiddenCitations++;
                assertNull(c.get("url").textValue());
            } else {
                assertFalse(c.get("status_id").asText().equals(fayPosts.getFirst()));
            }
        }
        assertEquals(1, hiddenCitations);
    }
}
