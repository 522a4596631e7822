package dev.starling.server.web.admin;

import static dev.starling.server.testing.Api.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.ai.answers.AnswerSettings;
import dev.starling.ai.answers.CopyWeightSetting;
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
import dev.starling.server.ai.AiRoutes;
import dev.starling.server.http.Json;
import dev.starling.server.http.RouteSupport;
import dev.starling.server.testing.Api;
import dev.starling.server.testing.TestServer;
import dev.starling.server.testing.Users;
import dev.starling.server.web.Browser;
import dev.starling.social.Social;
import dev.starling.social.accounts.Role;
import dev.starling.social.accounts.SignUp;
import dev.starling.social.db.Database;
import dev.starling.social.export.PostExport;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The copy weight on the admin page over a real server (port 0): an admin's change is stored and used by the very next
 * Ask through the AI API; values outside [0, 1) are refused naming the field; only admins with a CSRF token may change it.
 */
class CopyWeightAdminTest {

    @TempDir
    static Path dir;
    static Database db;
    static Social social;
    static PostIndex index;
    static ModelRegistry registry;
    static CopyWeightSetting setting;
    static Starling starling;
    static String base;
    static Api api;
    static Users.User asker;

    @BeforeAll
    static void up() throws Exception {
        db = TestServer.freshDatabase();
        social = Social.create(db, Social.Settings.defaults());
        long admin = social.accounts().signUp(new SignUp("root_admin", "root@example.org", "correct horse root_admin")).orThrow().id();
        social.accounts().setRole(admin, Role.ADMIN).orThrow();
        social.accounts().signUp(new SignUp("plain_user", "plain@example.org", "correct horse plain_user")).orThrow();
        index = PostIndex.open(new ByteBuffersDirectory(), null);
        PostExport export = new PostExport(db);
        OutboxIndexer indexer = new OutboxIndexer(index, social.outbox(), export);
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.write(Shape.TINY_LLAMA, GgmlType.F32, null, 5, model);
        registry = ModelRegistry.withDefaultOpener();
        registry.addFile(model, "tiny");
        registry.assignAll("tiny");
        setting = CopyWeightSetting.stored(db, Clock.systemUTC());
        StarlingAi ai = StarlingAi.create(social, new PostSearch(index, export, Clock.systemUTC()), registry, Prompts.classpath(),
                AnswerSettings.defaults().withMaxTokens(8).withSampling(0.8, OptionalLong.of(3)), setting);
        starling = Starling.start(social, ServerOptions.defaults().withPort(0).withRateLimits(TestServer.generousLimits()),
                List.of(new AiRoutes(new RouteSupport(Json.newMapper(), null), social, ai, null)),
                List.of(new AdminPages(registry, null, null, null, null, setting)));
        base = "http://127.0.0.1:" + starling.port();
        api = new Api(base);
        asker = new Users(api).signUp("asker");
        Users.check(api.postForm("/api/v1/statuses", asker.token(), map("status", "The lighthouse keeper logs every storm")), 200);
        indexer.catchUp();
    }

    @AfterAll
    static void down() throws Exception {
        starling.close();
        registry.close();
        index.close();
        db.close();
    }

    @BeforeEach
    void byModel() {
        setting.set(OptionalDouble.empty(), "test");
    }

    static Browser admin() {
        Browser b = new Browser(base);
        assertEquals(303, b.signIn("root_admin").status());
        b.get("/admin");
        return b;
    }

    static double askedCopyWeight() {
        JsonNode a = Users.check(api.postJson("/api/v1/starling/ask", asker.token(), Map.of("q", "lighthouse storm")), 200).json();
        assertEquals(1, a.get("evidence_ids").size(), "the answer had the lighthouse post as evidence: " + a);
        return a.get("copy_weight").asDouble(-1);
    }

    @Test
    void anAdminsChangeIsStoredAndTheNextAskUsesIt() {
        // by model: the synthetic model has no Starling model card, so it does not copy
        assertEquals(0.0, askedCopyWeight());
        Browser b = admin();
        Browser.Page page = b.get("/admin");
        assertEquals(200, page.status());
        assertTrue(page.body().contains("id=\"copy-weight-now\">Now: <strong>by model</strong>"), page.body());
        assertTrue(page.body().contains("id=\"model-tiny-copy-weight\">0 (no copying)</dd>"), page.body());

        Browser.Page saved = b.post("/admin/ai/copy-weight", Map.of("copy_weight", "0.6"));
        assertEquals(303, saved.status(), saved.body());
        assertEquals("/admin?done=copy-weight#copy-weight", saved.location());
        assertEquals(OptionalDouble.of(0.6), setting.current());
        assertEquals(0.6, askedCopyWeight(), "the next request decodes with the new weight");
        Browser.Page after = b.get("/admin?done=copy-weight");
        assertTrue(after.body().contains("Now: <strong>0.6</strong>, set by admin @root_admin"), after.body());
        assertTrue(after.body().contains("id=\"model-tiny-copy-weight\">0.6</dd>"), after.body());
        assertTrue(after.body().contains("It applies from the next request"), after.body());
        // kept for the next start
        assertEquals(OptionalDouble.of(0.6), CopyWeightSetting.stored(db, Clock.systemUTC()).current());

        assertEquals(303, b.post("/admin/ai/copy-weight", Map.of("copy_weight", "")).status());
        assertEquals(OptionalDouble.empty(), setting.current(), "empty: back to the rule by model");
        assertEquals(0.0, askedCopyWeight());
        assertEquals(OptionalDouble.empty(), CopyWeightSetting.stored(db, Clock.systemUTC()).current());
    }

    @Test
    void valuesOutsideZeroToOneAreRefusedNamingTheField() {
        Browser b = admin();
        assertEquals(303, b.post("/admin/ai/copy-weight", Map.of("copy_weight", "0.25")).status());
        for (String bad : List.of("1", "1.5", "-0.2", "abc", "0.5; DROP TABLE ai_copy_weight")) {
            Browser.Page p = b.post("/admin/ai/copy-weight", Map.of("copy_weight", bad));
            assertEquals(422, p.status(), bad + ": " + p.body());
            assertTrue(p.body().contains("id=\"admin-error\">The copy weight was not changed: copy_weight must be"), bad + ": " + p.body());
        }
        Browser.Page tooLong = b.post("/admin/ai/copy-weight", Map.of("copy_weight", "0".repeat(101)));
        assertEquals(422, tooLong.status());
        assertTrue(tooLong.body().contains("copy_weight"), tooLong.body());
        assertEquals(OptionalDouble.of(0.25), setting.current(), "refused values change nothing");
        assertEquals(OptionalDouble.of(0.25), CopyWeightSetting.stored(db, Clock.systemUTC()).current());
        assertEquals(0.25, askedCopyWeight());
    }

    @Test
    void onlyAdminsWithTheFormsTokenMayChangeIt() {
        assertEquals(303, new Browser(base).post("/admin/ai/copy-weight", Map.of("copy_weight", "0.3")).status(), "signed out: to sign in");
        Browser plain = new Browser(base);
        assertEquals(303, plain.signIn("plain_user").status());
        plain.get("/");
        assertEquals(403, plain.post("/admin/ai/copy-weight", Map.of("copy_weight", "0.3")).status());
        assertEquals(403, admin().postRaw("/admin/ai/copy-weight", Map.of("copy_weight", "0.3"), Map.of()).status(), "no CSRF token");
        assertEquals(OptionalDouble.empty(), setting.current());
    }
}
