package dev.starling.server.web.ai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.ai.assistant.AssistantConfig;
import dev.starling.ai.assistant.AssistantService;
import dev.starling.ai.assistant.MentionOutcome;
import dev.starling.ai.budget.AiBudget;
import dev.starling.ai.prompts.Prompts;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import dev.starling.server.ServerOptions;
import dev.starling.server.Starling;
import dev.starling.server.testing.TestServer;
import dev.starling.server.web.Browser;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.ProfileUpdate;
import dev.starling.social.accounts.SignUp;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The assistant's replies marked on post cards, over a real server, a real assistant and a real
 * (tiny, random-weight) model of our engine: the reply it writes to a mention carries the
 * "AI-generated reply by the assistant" mark naming the model, its other posts say they come from
 * the assistant, every bot account gets a "Bot" badge, and people's posts get neither.
 */
class AssistantMarksTest {
    static final String MODEL_ID = "tiny-marks";

    static Database db;
    static Social social;
    static ModelRegistry registry;
    static AssistantService assistant;
    static Starling starling;
    static String base;
    static Path dir;

    @BeforeAll
    static void up() throws IOException {
        db = TestDatabase.fresh("web_assistant_marks");
        social = TestDatabase.social(db);
        dir = Files.createTempDirectory("web-marks-test");
        Path gguf = dir.resolve(MODEL_ID + ".gguf");
        SyntheticModel.write(new Shape(MODEL_ID, "llama", 64, 2, 4, 2, 16, 128, 0, 4096, 10000f, 1e-5f, false, false, false, 0f),
                GgmlType.F32, null, 13, gguf);
        registry = ModelRegistry.withDefaultOpener();
        registry.addFile(gguf, MODEL_ID);
        registry.assignAll(MODEL_ID);
        AiBudget budget = new AiBudget(db, AiBudget.Config.defaults(), Clock.systemUTC());
        assistant = AssistantService.create(social, registry, null, budget, Prompts.classpath(),
                AssistantConfig.defaults().withHandle("starling").withGeneration(16, 20_000, 2, 10));
        starling = Starling.start(social, ServerOptions.defaults().withPort(0).withRateLimits(TestServer.generousLimits()), List.of(),
                List.of(new AssistantMarks(assistant)));
        base = "http://127.0.0.1:" + starling.port();
    }

    @AfterAll
    static void down() throws IOException {
        starling.close();
        assistant.close();
        registry.close();
        db.close();
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The HTML of the card of post {@code id} on {@code page} (its article element). */
    private static String card(String page, long id) {
        Matcher m = Pattern.compile("(?s)<article class=\"post[^\"]*\" id=\"post-" + id + "\".*?</article>").matcher(page);
        assertTrue(m.find(), "no card of post " + id + " on the page");
        return m.group();
    }

    @Test
    void theAssistantsReplyIsMarkedAsAiGeneratedAndPeoplesPostsAreNot() {
        Account alice = social.accounts().signUp(new SignUp("alice_marks", "alice_marks@example.org", "correct horse alice")).orThrow();
        long mention = social.posts().create(alice.id(), NewPost.of("@starling what do kestrels eat?")).orThrow().id();
        MentionOutcome o = assistant.handle(mention);
        MentionOutcome.Replied replied = assertInstanceOf(MentionOutcome.Replied.class, o, o.toString());
        long reply = replied.replyPostIds().getFirst();

        for (Browser b : List.of(new Browser(base), signedIn())) {
            String thread = b.get("/posts/" + mention).body();
            String replyCard = card(thread, reply);
            assertTrue(replyCard.contains("id=\"origin-" + reply + "\""), replyCard);
            assertTrue(replyCard.contains("AI-generated reply by the assistant (model " + MODEL_ID + ", prompt " + replied.prompt() + ")"), replyCard);
            assertTrue(replyCard.contains("id=\"bot-" + reply + "\""), "the assistant is a bot: " + replyCard);
            String aliceCard = card(thread, mention);
            assertFalse(aliceCard.contains("origin-mark") || aliceCard.contains("bot-badge"), "a person's post carries no mark: " + aliceCard);
            // the reply's own page marks it too
            String own = b.get("/posts/" + reply).body();
            assertTrue(card(own, reply).contains("AI-generated reply by the assistant"), own);
        }
    }

    @Test
    void otherPostsOfTheAssistantAndOtherBotsAreMarkedForWhatTheyAre() {
        long notice = social.posts().create(assistant.account().id(), NewPost.of("Maintenance tonight: replies may be slow")).orThrow().id();
        String page = new Browser(base).get("/posts/" + notice).body();
        String c = card(page, notice);
        assertTrue(c.contains("Posted by this network&#39;s AI assistant") || c.contains("Posted by this network's AI assistant"), c);
        assertFalse(c.contains("AI-generated reply"), "no ledger entry, no claim of a generated reply: " + c);

        Account feed = social.accounts().signUp(new SignUp("weather_feed", "weather_feed@example.org", "correct horse weather")).orThrow();
        social.accounts().updateProfile(feed.id(), ProfileUpdate.none().withBot(true)).orThrow();
        long forecast = social.posts().create(feed.id(), NewPost.of("Rain later today")).orThrow().id();
        String feedCard = card(new Browser(base).get("/posts/" + forecast).body(), forecast);
        assertTrue(feedCard.contains("id=\"bot-" + forecast + "\"") && feedCard.contains(">Bot</span>"), feedCard);
        assertFalse(feedCard.contains("origin-mark"), "another bot is not the assistant: " + feedCard);
    }

    private static Browser signedIn() {
        social.accounts().signUp(new SignUp("reader_marks", "reader_marks@example.org", "correct horse reader_marks")).orThrow();
        Browser b = new Browser(base);
        assertEquals(303, b.signIn("reader_marks").status());
        return b;
    }
}
