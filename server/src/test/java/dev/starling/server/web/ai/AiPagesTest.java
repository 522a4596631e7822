package dev.starling.server.web.ai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.ai.answers.AnswerSettings;
import dev.starling.ai.answers.StarlingAi;
import dev.starling.ai.budget.AiBudget;
import dev.starling.ai.budget.BudgetLimits;
import dev.starling.ai.prompts.Prompts;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import dev.starling.search.SearchService;
import dev.starling.server.ServerOptions;
import dev.starling.server.Starling;
import dev.starling.server.testing.TestServer;
import dev.starling.server.web.Browser;
import dev.starling.server.web.WebFeature;
import dev.starling.social.Social;
import dev.starling.social.accounts.SignUp;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ask, Explain and Summarize pages over a real server, a real index and a real (tiny, random-weight)
 * model of our engine: answers with sources the viewer may see, the stream, CSRF, sign-in, budgets,
 * "not ready" and "not available".
 */
class AiPagesTest {
    static final String CANARY = "canary-7f3a9 kestrel secret";
    static final String MODEL_ID = "tiny-web";

    static Database db;
    static Social social;
    static SearchService search;
    static ModelRegistry registry;
    static StarlingAi ai;
    static Starling starling;
    static String base;
    static Path dir;
    static long alicePost;
    static long aliceReply;
    static long privatePost;

    @BeforeAll
    static void up() throws IOException {
        db = TestDatabase.fresh("web_ai");
        social = TestDatabase.social(db);
        long alice = social.accounts().signUp(new SignUp("alice_ai", "alice@example.org", "correct horse alice_ai")).orThrow().id();
        long bob = social.accounts().signUp(new SignUp("bob_ai", "bob@example.org", "correct horse bob_ai")).orThrow().id();
        social.accounts().signUp(new SignUp("carol_ai", "carol@example.org", "correct horse carol_ai")).orThrow();
        social.accounts().signUp(new SignUp("dave_ai", "dave@example.org", "correct horse dave_ai")).orThrow();
        alicePost = social.posts().create(alice, NewPost.of("The kestrel hovers over the meadow every morning")).orThrow().id();
        aliceReply = social.posts().create(bob, NewPost.of("I saw the kestrel too, near the river").replyTo(alicePost)).orThrow().id();
        privatePost = social.posts().create(bob, NewPost.of(CANARY, PostVisibility.PRIVATE)).orThrow().id();
        dir = Files.createTempDirectory("web-ai-test");
        search = SearchService.start(dir, social, null);
        search.indexer().catchUp();
        Path gguf = dir.resolve(MODEL_ID + ".gguf");
        SyntheticModel.write(new Shape(MODEL_ID, "llama", 64, 2, 4, 2, 16, 128, 0, 4096, 10000f, 1e-5f, false, false, false, 0f),
                GgmlType.F32, null, 11, gguf);
        registry = ModelRegistry.withDefaultOpener();
        registry.addFile(gguf, MODEL_ID);
        registry.assignAll(MODEL_ID);
        ai = StarlingAi.create(social, search.search(), registry, Prompts.classpath(), AnswerSettings.defaults().withMaxTokens(24));
        AiBudget budget = new AiBudget(db, AiBudget.Config.defaults().withFeature("summarize", new BudgetLimits(1, 100_000)), Clock.systemUTC());
        starling = start(new AiPages(ai, budget));
        base = "http://127.0.0.1:" + starling.port();
    }

    static Starling start(WebFeature feature) {
        return Starling.start(social, ServerOptions.defaults().withPort(0).withRateLimits(TestServer.generousLimits()), List.of(), List.of(feature));
    }

    @AfterAll
    static void down() throws IOException {
        starling.close();
        registry.close();
        search.close();
        db.close();
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static Browser signedIn(String username) {
        Browser b = new Browser(base);
        assertEquals(303, b.signIn(username).status());
        return b;
    }

    @Test
    void askPageInvitesSignedOutPeopleToSignIn() {
        Browser.Page p = new Browser(base).get("/ask");
        assertEquals(200, p.status());
        assertTrue(p.body().contains("id=\"ask-sign-in\""), p.body());
        assertTrue(p.body().contains("<label for=\"ask-question\">"));
        assertFalse(p.body().contains("id=\"ai-availability\""), "a model serves Ask");
        assertTrue(p.body().contains("ai/answer.js"));
        Browser.Page post = new Browser(base).postRaw("/ask", Map.of("question", "kestrel?"), Map.of());
        assertEquals(303, post.status());
        assertTrue(post.location().startsWith("/sign_in"), post.location());
    }

    @Test
    void askAnswersWithNumberedSourcesTheAskerMaySeeAndMarksTheTextAiGenerated() {
        Browser carol = signedIn("carol_ai");
        carol.get("/ask");
        Browser.Page p = carol.post("/ask", Map.of("question", "What do people say about the kestrel?"));
        assertEquals(200, p.status(), p.body());
        assertTrue(p.body().contains("id=\"answer-label\""), p.body());
        assertTrue(p.body().contains(MODEL_ID), "names the model");
        assertTrue(p.body().contains("prompt ask v"), "names the prompt");
        assertTrue(p.body().contains("id=\"source-link-1\" href=\"/posts/"), p.body());
        assertTrue(p.body().contains("href=\"/posts/" + alicePost + "\""), "the public post is a source");
        assertFalse(p.body().contains("canary-7f3a9"), "a followers-only post of someone carol does not follow never shows");
        assertTrue(p.body().contains("What do people say about the kestrel?"), "the question stays in the box");
    }

    @Test
    void askWithoutEvidenceSaysSoWithoutAModel() {
        Browser carol = signedIn("carol_ai");
        carol.get("/ask");
        Browser.Page p = carol.post("/ask", Map.of("question", "zeppelins antarctica"));
        assertEquals(200, p.status());
        assertTrue(p.body().contains("I found no posts you can see about this"), p.body());
        assertFalse(p.body().contains("id=\"answer-label\""), "no model wrote it, so it is not marked AI-generated");
    }

    @Test
    void streamSendsTextEventsThenTheFinishedAnswer() {
        Browser carol = signedIn("carol_ai");
        carol.get("/ask");
        Browser.Page p = carol.postRaw("/ask/stream", Map.of("question", "kestrel meadow"), Map.of("X-CSRF-Token", carol.csrf));
        assertEquals(200, p.status(), p.body());
        assertTrue(p.header("Content-Type").startsWith("text/event-stream"), p.header("Content-Type"));
        String body = p.body();
        int fin = body.indexOf("event: final\n");
        assertTrue(fin > 0, body);
        assertTrue(body.indexOf("event: text\n") < fin, "text comes before the final event: " + body);
        assertTrue(body.substring(fin).contains("answer-sources"), body);
        assertTrue(body.substring(fin).contains("\"status\":200"), body);
        assertFalse(body.contains("canary-7f3a9"));
    }

    @Test
    void postsWithoutTheCsrfTokenAreRefused() {
        Browser carol = signedIn("carol_ai");
        carol.get("/ask");
        assertEquals(403, carol.postRaw("/ask", Map.of("question", "kestrel"), Map.of()).status());
        assertEquals(403, carol.postRaw("/ask/stream", Map.of("question", "kestrel"), Map.of("X-CSRF-Token", "forged")).status());
        assertEquals(403, carol.postRaw("/posts/" + alicePost + "/explain", Map.of(), Map.of()).status());
    }

    @Test
    void questionsAreValidated() {
        Browser carol = signedIn("carol_ai");
        carol.get("/ask");
        Browser.Page empty = carol.post("/ask", Map.of("question", "   "));
        assertEquals(422, empty.status());
        assertTrue(empty.body().contains("id=\"answer-error\""), empty.body());
        assertTrue(empty.body().contains("The question is empty."), empty.body());
        assertEquals(422, carol.post("/ask", Map.of("question", "x".repeat(5000))).status());
    }

    @Test
    void explainShowsThePostAndAnExplanationCitingIt() {
        Browser carol = signedIn("carol_ai");
        Browser.Page page = carol.get("/posts/" + alicePost + "/explain");
        assertEquals(200, page.status());
        assertTrue(page.body().contains("<h1>Explain this post</h1>"));
        assertTrue(page.body().contains("The kestrel hovers over the meadow"), "the post is shown");
        assertTrue(page.body().contains("id=\"explain-submit\""));
        Browser.Page answered = carol.post("/posts/" + alicePost + "/explain", Map.of());
        assertEquals(200, answered.status(), answered.body());
        assertTrue(answered.body().contains("id=\"source-link-1\" href=\"/posts/" + alicePost + "\""), "source [1] is the post itself");
        assertTrue(answered.body().contains("id=\"answer-label\""));
    }

    @Test
    void everyPostCardOffersExplainAndSummarize() {
        Browser.Page thread = new Browser(base).get("/posts/" + alicePost);
        assertEquals(200, thread.status());
        assertTrue(thread.body().contains("id=\"explain-" + alicePost + "\" href=\"/posts/" + alicePost + "/explain\">Explain this post</a>"),
                thread.body());
        assertTrue(thread.body().contains("id=\"summarize-" + alicePost + "\" href=\"/posts/" + alicePost + "/summarize\">Summarize thread</a>"));
        assertTrue(thread.body().contains("href=\"/posts/" + aliceReply + "/explain\""), "the reply's card too");
    }

    @Test
    void postsTheViewerMayNotSeeAreNotFound() {
        Browser carol = signedIn("carol_ai");
        assertEquals(404, carol.get("/posts/" + privatePost + "/explain").status());
        carol.get("/posts/" + alicePost + "/explain");
        Browser.Page p = carol.post("/posts/" + privatePost + "/explain", Map.of());
        assertEquals(404, p.status());
        assertFalse(p.body().contains("canary-7f3a9"));
        assertEquals(404, carol.get("/posts/999999999/summarize").status());
    }

    @Test
    void summarizeWorksOnceThenTheDailyBudgetSaysWhenItResets() {
        Browser dave = signedIn("dave_ai");
        Browser.Page page = dave.get("/posts/" + aliceReply + "/summarize");
        assertEquals(200, page.status());
        assertTrue(page.body().contains("<h1>Summarize thread</h1>"));
        Browser.Page first = dave.post("/posts/" + aliceReply + "/summarize", Map.of());
        assertEquals(200, first.status(), first.body());
        assertTrue(first.body().contains("href=\"/posts/" + alicePost + "\""), "the thread's root is among the sources");
        Browser.Page second = dave.post("/posts/" + aliceReply + "/summarize", Map.of());
        assertEquals(429, second.status());
        assertTrue(second.body().contains("resets at 00:00 UTC"), second.body());
    }

    @Test
    void withoutAModelThePagesSayTheAiIsNotReadyAndWhy() {
        ModelRegistry empty = ModelRegistry.withDefaultOpener();
        empty.setStatus("training: 45%");
        StarlingAi notReady = StarlingAi.create(social, search.search(), empty, Prompts.classpath(), AnswerSettings.defaults());
        Starling s = start(new AiPages(notReady, null));
        try {
            Browser b = new Browser("http://127.0.0.1:" + s.port());
            assertEquals(303, b.signIn("carol_ai").status());
            Browser.Page page = b.get("/ask");
            assertTrue(page.body().contains("id=\"ai-availability\""), page.body());
            assertTrue(page.body().contains("training: 45%"));
            Browser.Page post = b.post("/ask", Map.of("question", "kestrel"));
            assertEquals(503, post.status());
            assertTrue(post.body().contains("not ready yet (training: 45%)"), post.body());
        } finally {
            s.close();
            empty.close();
        }
    }

    @Test
    void withoutAiOnTheServerThePagesSaySo() {
        Starling s = start(new AiPages(null, null));
        try {
            Browser b = new Browser("http://127.0.0.1:" + s.port());
            assertEquals(303, b.signIn("carol_ai").status());
            Browser.Page page = b.get("/ask");
            assertEquals(200, page.status());
            assertTrue(page.body().contains("not available on this server"), page.body());
            assertEquals(503, b.post("/ask", Map.of("question", "kestrel")).status());
        } finally {
            s.close();
        }
    }
}
