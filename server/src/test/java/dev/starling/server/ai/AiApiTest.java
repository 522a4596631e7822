package dev.starling.server.ai;

import static dev.starling.server.testing.Api.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.ai.answers.AnswerSettings;
import dev.starling.ai.answers.StarlingAi;
import dev.starling.ai.prompts.Prompts;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import dev.starling.search.PostSearch;
import dev.starling.search.index.OutboxIndexer;
import dev.starling.search.index.PostIndex;
import dev.starling.server.ServerOptions;
import dev.starling.server.Starling;
import dev.starling.server.http.Json;
import dev.starling.server.http.RouteSupport;
import dev.starling.server.testing.Api;
import dev.starling.server.testing.Api.Reply;
import dev.starling.server.testing.TestServer;
import dev.starling.server.testing.Users;
import dev.starling.social.Social;
import dev.starling.social.accounts.Role;
import dev.starling.social.db.Database;
import dev.starling.social.export.PostExport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AI API on a real server (port 0) over a real database, index and tiny model of our engine. */
class AiApiTest {

    /** A server with the AI routes; {@code withModel} false: no model is ready ("training: 45%"). */
    static final class AiServer implements AutoCloseable {
        final Database db;
        final Social social;
        final PostIndex index;
        final OutboxIndexer indexer;
        final ModelRegistry registry;
        final Starling starling;
        final Api api;
        final Users users;

        AiServer(Path model, boolean withModel) throws Exception {
            db = TestServer.freshDatabase();
            social = Social.create(db, Social.Settings.defaults());
            index = PostIndex.open(new ByteBuffersDirectory(), null);
            PostExport export = new PostExport(db);
            indexer = new OutboxIndexer(index, social.outbox(), export);
            registry = ModelRegistry.withDefaultOpener();
            if (withModel) {
                registry.addFile(model, "tiny");
                registry.addFile(model, "tiny2");
                registry.assignAll("tiny");
            } else {
                registry.setStatus("training: 45%");
            }
            AnswerSettings settings = AnswerSettings.defaults().withMaxTokens(16).withSampling(0.8, OptionalLong.of(3));
            StarlingAi ai = StarlingAi.create(social, new PostSearch(index, export, Clock.systemUTC()), registry, Prompts.classpath(), settings);
            AiRoutes routes = new AiRoutes(new RouteSupport(Json.newMapper(), null), social, ai, null);
            starling = Starling.start(social, ServerOptions.defaults().withPort(0).withRateLimits(TestServer.generousLimits()), List.of(routes));
            api = new Api("http://127.0.0.1:" + starling.port());
            users = new Users(api);
        }

        @Override
        public void close() {
            try {
                starling.close();
                registry.close();
                index.close();
            } finally {
                db.close();
            }
        }
    }

    @TempDir
    static Path dir;
    static AiServer server;
    static Users.User alice;
    static Users.User bob;
    static Users.User admin;
    static String publicPost;
    static String privatePost;

    @BeforeAll
    static void start() throws Exception {
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.write(Shape.TINY_LLAMA, GgmlType.F32, null, 9, model);
        server = new AiServer(model, true);
        alice = server.users.signUp("alice");
        bob = server.users.signUp("bob");
        admin = server.users.signUp("root");
        server.social.accounts().setRole(Long.parseLong(admin.id()), Role.ADMIN).orThrow();
        publicPost = Users.check(server.api.postForm("/api/v1/statuses", alice.token(), map("status", "The lighthouse keeper logs every storm")), 200)
                .json().get("id").asText();
        privatePost = Users.check(server.api.postForm("/api/v1/statuses", alice.token(), map("status", "lighthouse secret canaryhiddenword",
                "visibility", "private")), 200).json().get("id").asText();
        server.indexer.catchUp();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static void assertProvenance(JsonNode a, String feature) {
        assertEquals(feature, a.get("feature").asText());
        assertEquals("tiny", a.get("model").asText());
        double copy = a.get("copy_weight").asDouble(-1);
        assertTrue(a.get("copy_weight").isNumber() && copy >= 0 && copy < 1, "copy_weight in [0, 1): " + a);
        assertTrue(a.get("prompt").get("sha256").asText().matches("[0-9a-f]{12}"), a.toString());
        assertTrue(a.get("prompt").get("version").asInt() >= 1);
        assertTrue(a.get("ai_generated").asBoolean());
        assertTrue(a.get("usage").get("completion_tokens").asInt() <= 16, a.toString());
    }

    @Test
    void askAnswersAsJsonWithCitationsOnlyToVisiblePosts() {
        Reply r = Users.check(server.api.postJson("/api/v1/starling/ask", bob.token(), java.util.Map.of("q", "lighthouse storm")), 200);
        JsonNode a = r.json();
        assertProvenance(a, "ask");
        List<String> evidence = new ArrayList<>();
        a.get("evidence_ids").forEach(n -> evidence.add(n.asText()));
        assertEquals(List.of(publicPost), evidence, "bob does not follow alice: her followers-only post is not evidence");
        for (JsonNode c : a.get("citations")) {
            assertTrue(evidence.contains(c.get("id").asText()));
            assertTrue(c.get("url").asText().endsWith("/@alice/" + c.get("id").asText()), c.toString());
        }
        assertFalse(r.body().contains("canaryhiddenword"));
    }

    @Test
    void askStreamsServerSentEvents() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.api.baseUrl + "/api/v1/starling/ask")).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + bob.token()).header("Accept", "text/event-stream")
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("q=lighthouse+keeper")).build();
        Reply r = server.api.send(req);
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.header("Content-Type").startsWith("text/event-stream"), r.header("Content-Type"));
        StringBuilder tokens = new StringBuilder();
        List<String> events = new ArrayList<>();
        JsonNode done = null;
        for (String block : r.body().split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            String[] lines = block.split("\n", 2);
            String event = lines[0].substring("event: ".length());
            JsonNode data = Api.JSON.readTree(lines[1].substring("data: ".length()));
            events.add(event);
            switch (event) {
                case "token" -> tokens.append(data.get("text").asText());
                case "done" -> done = data;
                default -> { }
            }
        }
        assertEquals("done", events.getLast(), events.toString());
        assertEquals("citations", events.get(events.size() - 2));
        assertTrue(done != null);
        assertProvenance(done, "ask");
        assertEquals(done.get("text").asText(), tokens.toString().stripTrailing());
    }

    @Test
    void noEvidenceIsSaidPlainlyWithoutAModel() {
        JsonNode a = Users.check(server.api.postJson("/api/v1/starling/ask", bob.token(), java.util.Map.of("q", "canaryhiddenword")), 200).json();
        assertEquals("no_evidence", a.get("finish_reason").asText());
        assertTrue(a.get("model").isNull());
        assertFalse(a.get("ai_generated").asBoolean());
        assertEquals(0, a.get("citations").size());
    }

    @Test
    void explainAndSummarizeRespectVisibility() {
        assertProvenance(Users.check(server.api.postJson("/api/v1/starling/statuses/" + publicPost + "/explain", bob.token(), "{}"), 200).json(), "explain");
        assertProvenance(Users.check(server.api.postForm("/api/v1/starling/statuses/" + publicPost + "/summarize", bob.token(), map()), 200).json(), "summarize");
        Reply hidden = server.api.postJson("/api/v1/starling/statuses/" + privatePost + "/explain", bob.token(), "{}");
        assertEquals(404, hidden.status(), hidden.toString());
        assertEquals(404, server.api.postJson("/api/v1/starling/statuses/123456789/summarize", bob.token(), "{}").status());
        assertEquals(200, server.api.postJson("/api/v1/starling/statuses/" + privatePost + "/summarize", alice.token(), "{}").status());
    }

    @Test
    void composeSuggestsOnRequestWithinThePostLimit() {
        JsonNode a = Users.check(server.api.postJson("/api/v1/starling/compose", alice.token(),
                java.util.Map.of("draft", "storm tonight, stay safe", "mode", "rewrite")), 200).json();
        assertProvenance(a, "compose");
        assertTrue(a.get("text").asText().length() <= 280);
        Reply bad = server.api.postJson("/api/v1/starling/compose", alice.token(), java.util.Map.of("draft", "x", "mode", "poem"));
        assertEquals(422, bad.status());
        assertTrue(bad.json().get("error").asText().contains("mode"), bad.toString());
    }

    @Test
    void errorsSayWhatWasWrong() {
        assertEquals(401, server.api.postJson("/api/v1/starling/ask", null, java.util.Map.of("q", "x")).status());
        Reply empty = server.api.postJson("/api/v1/starling/ask", bob.token(), "{}");
        assertEquals(422, empty.status(), empty.toString());
        Reply tooLong = server.api.postJson("/api/v1/starling/ask", bob.token(), java.util.Map.of("q", "word ".repeat(200)));
        assertEquals(422, tooLong.status());
        assertTrue(tooLong.json().get("error").asText().contains("at most 500"), tooLong.toString());
        Reply huge = server.api.postJson("/api/v1/starling/ask", bob.token(), java.util.Map.of("q", "x".repeat(9000)));
        assertEquals(422, huge.status(), huge.toString());
        assertEquals(422, server.api.postJson("/api/v1/starling/compose", bob.token(), "{}").status());
        assertEquals(404, server.api.postJson("/api/v1/starling/statuses/abc/explain", bob.token(), "{}").status());
    }

    @Test
    void modelsAreListedAndOnlyAdminsSwitchThem() {
        JsonNode m = Users.check(server.api.get("/api/v1/starling/models", null), 200).json();
        assertTrue(m.get("ready").asBoolean());
        assertEquals("tiny", m.get("features").get("ask").asText());
        JsonNode first = m.get("models").get(0);
        assertEquals("llama", first.get("family").asText());
        assertTrue(first.get("parameters").asLong() > 0 && first.get("size_bytes").asLong() > 0);
        assertEquals("tiny.gguf", first.get("location").asText(), "no server paths in the API");

        assertEquals(403, server.api.postJson("/api/v1/starling/models/switch", bob.token(), java.util.Map.of("model", "tiny2")).status());
        assertEquals(401, server.api.postJson("/api/v1/starling/models/switch", null, java.util.Map.of("model", "tiny2")).status());
        Reply unknown = server.api.postJson("/api/v1/starling/models/switch", admin.token(), java.util.Map.of("model", "nope"));
        assertEquals(422, unknown.status());
        assertTrue(unknown.json().get("error").asText().contains("known: tiny, tiny2"), unknown.toString());
        assertEquals(422, server.api.postJson("/api/v1/starling/models/switch", admin.token(), java.util.Map.of("model", "tiny2", "feature", "dance")).status());
        JsonNode switched = Users.check(server.api.postJson("/api/v1/starling/models/switch", admin.token(),
                java.util.Map.of("model", "tiny2", "feature", "compose")), 200).json();
        assertEquals("tiny2", switched.get("features").get("compose").asText());
        assertEquals("tiny", switched.get("features").get("ask").asText());
        JsonNode c = Users.check(server.api.postJson("/api/v1/starling/compose", alice.token(), java.util.Map.of("draft", "hello")), 200).json();
        assertEquals("tiny2", c.get("model").asText());
        Users.check(server.api.postJson("/api/v1/starling/models/switch", admin.token(), java.util.Map.of("model", "tiny", "feature", "compose")), 200);
        assertFalse(Users.check(server.api.get("/api/v1/starling/models", null), 200).json().get("models").get(1).get("loaded").asBoolean(),
                "tiny2 is unloaded once nothing uses it");
    }

    @Test
    void modelCardsWrittenAsJsonAreShownAsObjects() {
        assertTrue(AiJson.card("{\"name\": \"demo\", \"steps\": 3}") instanceof JsonNode n && n.get("steps").asInt() == 3);
        assertEquals("a card in plain text", AiJson.card("a card in plain text"));
        assertEquals("{broken", AiJson.card("{broken"));
        assertEquals(null, AiJson.card(null));
    }

    @Test
    void withoutAModelEveryFeatureSays503AndTheNetworkKeepsWorking() throws Exception {
        try (AiServer none = new AiServer(null, false)) {
            Users.User u = none.users.signUp("dora");
            String post = Users.check(none.api.postForm("/api/v1/statuses", u.token(), map("status", "tides")), 200).json().get("id").asText();
            none.indexer.catchUp();
            for (Reply r : List.of(none.api.postJson("/api/v1/starling/ask", u.token(), java.util.Map.of("q", "tides")),
                    none.api.postJson("/api/v1/starling/statuses/" + post + "/explain", u.token(), "{}"),
                    none.api.postJson("/api/v1/starling/statuses/" + post + "/summarize", u.token(), "{}"),
                    none.api.postJson("/api/v1/starling/compose", u.token(), java.util.Map.of("draft", "tides")))) {
                assertEquals(503, r.status(), r.toString());
                assertEquals("No model is ready: training: 45%", r.json().get("error").asText());
            }
            JsonNode m = Users.check(none.api.get("/api/v1/starling/models", null), 200).json();
            assertFalse(m.get("ready").asBoolean());
            assertEquals("training: 45%", m.get("status").asText());
            assertEquals(200, none.api.get("/api/v1/timelines/public", null).status());
            assertEquals(200, none.api.get("/api/v1/statuses/" + post, u.token()).status());
        }
    }
}
