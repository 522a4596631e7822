package dev.starling.ai.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.ai.registry.Feature;
import dev.starling.social.accounts.Account;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ask, Explain, Summarize and Compose over a real database, index and tiny model of our engine. */
class AnswersTest {

    static AiTestNetwork net;
    static Account alice;
    static Account bob;
    static Account carol;
    static Post publicCoffee;
    static Post privateCoffee;
    static Post root;
    static Post reply1;
    static Post privateReply;
    static Post direct;

    @BeforeAll
    static void network() throws Exception {
        net = new AiTestNetwork("ai_answers", AiTestNetwork.testSettings(), true);
        var s = net.social;
        alice = s.accounts().createWithoutPassword("alice", "alice@example.org", "", false).orThrow();
        bob = s.accounts().createWithoutPassword("bob", "bob@example.org", "", false).orThrow();
        carol = s.accounts().createWithoutPassword("carol", "carol@example.org", "", false).orThrow();
        s.relationships().follow(carol.id(), alice.id()).orThrow();
        publicCoffee = s.posts().create(alice.id(), NewPost.of("Roasting coffee beans at home is easier than you think")).orThrow();
        privateCoffee = s.posts().create(bob.id(), NewPost.of("my coffee supplier secret is kestrelbean", PostVisibility.PRIVATE)).orThrow();
        root = s.posts().create(alice.id(), NewPost.of("The harbour bridge closes for repairs next week")).orThrow();
        reply1 = s.posts().create(carol.id(), NewPost.of("Buses will replace the trams on the bridge route").replyTo(root.id())).orThrow();
        privateReply = s.posts().create(bob.id(), NewPost.of("bridge insider note ospreyquill", PostVisibility.PRIVATE).replyTo(root.id())).orThrow();
        direct = s.posts().create(bob.id(), NewPost.of("@alice direct bridge message", PostVisibility.DIRECT)).orThrow();
        net.index();
    }

    @AfterAll
    static void close() {
        net.close();
    }

    static Answer answered(AnswerOutcome o) {
        return assertInstanceOf(AnswerOutcome.Answered.class, o, () -> "expected an answer, got " + o).answer();
    }

    @Test
    void askStreamsAnAnswerFromVisiblePostsWithItsProvenance() {
        int calls = net.model.prompts.size();
        StringBuilder streamed = new StringBuilder();
        Answer a = answered(net.ai.ask().ask(carol.id(), "Who is roasting coffee?", streamed::append));
        assertEquals(calls + 1, net.model.prompts.size());
        String prompt = net.model.prompts.getLast();
        assertTrue(prompt.contains("Roasting coffee beans"), prompt);
        assertFalse(prompt.contains("kestrelbean"), "carol does not follow bob: his followers-only post must not reach the model");
        assertEquals(List.of(publicCoffee.id()), a.evidencePostIds());
        assertEquals("tiny", a.modelId());
        assertEquals("ask", a.prompt().name());
        assertTrue(a.prompt().sha256().matches("[0-9a-f]{12}"));
        assertEquals(streamed.toString().stripTrailing(), a.text());
        assertTrue(a.evidencePostIds().containsAll(a.citedPostIds()));
        assertTrue(a.usage().completionTokens() <= 24, "token limit: " + a.usage());
        assertTrue(a.totalMillis() >= a.firstTextMillis());
    }

    @Test
    void aFollowerSeesFollowersOnlyEvidence() {
        net.social.relationships().follow(alice.id(), bob.id()).orThrow();
        Answer a = answered(net.ai.ask().ask(alice.id(), "coffee supplier", AnswerListener.NONE));
        assertTrue(a.evidencePostIds().contains(privateCoffee.id()), a.evidencePostIds().toString());
        assertTrue(net.model.prompts.getLast().contains("kestrelbean"));
        net.social.relationships().unfollow(alice.id(), bob.id()).orThrow();
    }

    @Test
    void noEvidenceSaysSoWithoutCallingTheModel() {
        int calls = net.model.prompts.size();
        StringBuilder streamed = new StringBuilder();
        Answer a = answered(net.ai.ask().ask(carol.id(), "what about zebras and giraffes?", streamed::append));
        assertEquals(calls, net.model.prompts.size(), "the model must not be called");
        assertEquals(Answer.NO_EVIDENCE, a.finishReason());
        assertEquals(Ask.NO_EVIDENCE_TEXT, a.text());
        assertEquals(Ask.NO_EVIDENCE_TEXT, streamed.toString());
        assertNull(a.modelId());
        assertTrue(a.citations().isEmpty());
        // only stop words: nothing to search for
        assertEquals(Answer.NO_EVIDENCE, answered(net.ai.ask().ask(carol.id(), "what is it?", AnswerListener.NONE)).finishReason());
        // anonymous: followers-only posts are never evidence
        assertEquals(Answer.NO_EVIDENCE, answered(net.ai.ask().ask(null, "kestrelbean", AnswerListener.NONE)).finishReason());
    }

    @Test
    void invalidQuestionsAreRejectedWithTheReason() {
        assertTrue(assertInstanceOf(AnswerOutcome.Invalid.class, net.ai.ask().ask(carol.id(), "  ", AnswerListener.NONE))
                .message().contains("empty"));
        assertTrue(assertInstanceOf(AnswerOutcome.Invalid.class, net.ai.ask().ask(carol.id(), "x".repeat(501), AnswerListener.NONE))
                .message().contains("at most 500"));
    }

    @Test
    void explainQuotesThePostItsVisibleThreadAndNothingPrivate() {
        Answer a = answered(net.ai.explain().explain(carol.id(), reply1.id(), AnswerListener.NONE));
        assertEquals(reply1.id(), a.evidencePostIds().getFirst(), "[1] is the post explained");
        assertTrue(a.evidencePostIds().contains(root.id()), a.evidencePostIds().toString());
        assertFalse(a.evidencePostIds().contains(privateReply.id()));
        assertFalse(a.evidencePostIds().contains(direct.id()));
        String prompt = net.model.prompts.getLast();
        assertFalse(prompt.contains("ospreyquill") || prompt.contains("direct bridge message"), prompt);
        assertEquals("explain", a.prompt().name());
        assertEquals(Feature.EXPLAIN, a.feature());
    }

    @Test
    void postsTheViewerMayNotSeeAreNotFound() {
        assertInstanceOf(AnswerOutcome.NotFound.class, net.ai.explain().explain(carol.id(), privateReply.id(), AnswerListener.NONE));
        assertInstanceOf(AnswerOutcome.NotFound.class, net.ai.summarize().summarize(carol.id(), direct.id(), AnswerListener.NONE));
        assertInstanceOf(AnswerOutcome.NotFound.class, net.ai.explain().explain(null, privateCoffee.id(), AnswerListener.NONE));
        assertInstanceOf(AnswerOutcome.NotFound.class, net.ai.summarize().summarize(carol.id(), 999_999_999L, AnswerListener.NONE));
    }

    @Test
    void summarizeQuotesTheVisibleThreadInOrder() {
        Answer a = answered(net.ai.summarize().summarize(carol.id(), root.id(), AnswerListener.NONE));
        assertEquals(List.of(root.id(), reply1.id()), a.evidencePostIds());
        Answer forAlice = answered(net.ai.summarize().summarize(alice.id(), reply1.id(), AnswerListener.NONE));
        assertFalse(forAlice.evidencePostIds().contains(privateReply.id()), "alice does not follow bob");
    }

    @Test
    void composeSuggestsWithinThePostLimitAndNeverRetrieves() {
        Answer rewrite = answered(net.ai.compose().compose(carol.id(), "bridge closed, buses instead, plan ahead", Compose.Mode.REWRITE,
                AnswerListener.NONE));
        assertTrue(rewrite.text().length() <= 280);
        assertTrue(rewrite.evidencePostIds().isEmpty());
        assertTrue(rewrite.citations().isEmpty());
        assertEquals("compose-rewrite", rewrite.prompt().name());
        assertTrue(net.model.prompts.getLast().contains("bridge closed, buses instead"));
        Answer complete = answered(net.ai.compose().compose(carol.id(), "x".repeat(270), Compose.Mode.COMPLETE, AnswerListener.NONE));
        assertTrue(complete.text().length() <= 10, "draft + completion within 280: " + complete.text().length());
        assertInstanceOf(AnswerOutcome.Invalid.class, net.ai.compose().compose(carol.id(), "x".repeat(280), Compose.Mode.COMPLETE, AnswerListener.NONE));
        assertInstanceOf(AnswerOutcome.Invalid.class, net.ai.compose().compose(carol.id(), "", Compose.Mode.REWRITE, AnswerListener.NONE));
        assertEquals("abc", Compose.cut("abc def", 4));
    }

    @Test
    void timeLimitEndsAGenerationWithWhatItHas() throws Exception {
        try (AiTestNetwork slow = new AiTestNetwork("ai_timeout", AiTestNetwork.testSettings().withMaxTokens(400).withTimeoutMillis(1), true)) {
            Account a = slow.social.accounts().createWithoutPassword("dora", "d@example.org", "", false).orThrow();
            slow.social.posts().create(a.id(), NewPost.of("lighthouse keepers log the weather")).orThrow();
            slow.index();
            Answer ans = answered(slow.ai.ask().ask(a.id(), "lighthouse weather", AnswerListener.NONE));
            assertEquals("timeout", ans.finishReason());
            assertTrue(ans.usage().completionTokens() < 400, ans.usage().toString());
        }
    }

    @Test
    void withoutAModelEveryFeatureSaysWhyAndNothingIsCalled() throws Exception {
        try (AiTestNetwork none = new AiTestNetwork("ai_notready", AiTestNetwork.testSettings(), false)) {
            none.registry.setStatus("training: 45%");
            Account a = none.social.accounts().createWithoutPassword("erin", "e@example.org", "", false).orThrow();
            Post p = none.social.posts().create(a.id(), NewPost.of("tides and moons")).orThrow();
            none.index();
            for (AnswerOutcome o : List.of(none.ai.ask().ask(a.id(), "tides", AnswerListener.NONE),
                    none.ai.explain().explain(a.id(), p.id(), AnswerListener.NONE),
                    none.ai.summarize().summarize(a.id(), p.id(), AnswerListener.NONE),
                    none.ai.compose().compose(a.id(), "tides", Compose.Mode.REWRITE, AnswerListener.NONE))) {
                assertEquals("training: 45%", assertInstanceOf(AnswerOutcome.NotReady.class, o).reason());
            }
            assertTrue(none.model.prompts.isEmpty());
            // search keeps working without a model
            assertNotNull(none.search.search(a.id(), "tides", dev.starling.search.query.SearchMode.TOP, 0, 5));
        }
    }

    @Test
    void aSmallContextGetsTheCompactPromptOrAPlainError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        dev.starling.llm.synth.Shape t = dev.starling.llm.synth.Shape.TINY_LLAMA;
        for (int context : new int[]{300, 120}) {
            java.nio.file.Path model = dir.resolve("ctx" + context + ".gguf");
            dev.starling.llm.synth.SyntheticModel.write(new dev.starling.llm.synth.Shape("ctx" + context, "llama", t.dim(), t.layers(),
                    t.heads(), t.kvHeads(), t.headDim(), t.ffnDim(), 0, context, t.ropeTheta(), t.rmsEps(), false, false, false, 0f),
                    dev.starling.llm.gguf.GgmlType.F32, null, 3, model);
            try (AiTestNetwork small = new AiTestNetwork("ai_small_ctx", AiTestNetwork.testSettings(), true, model)) {
                Account a = small.social.accounts().createWithoutPassword("fay", "f@example.org", "", false).orThrow();
                small.social.posts().create(a.id(), NewPost.of("the night ferry leaves at ten from the old pier")).orThrow();
                small.index();
                AnswerOutcome o = small.ai.ask().ask(a.id(), "night ferry", AnswerListener.NONE);
                if (context == 300) {
                    Answer ans = answered(o);
                    assertEquals("ask-compact", ans.prompt().name(), "ask.txt (367 tokens here) does not fit 300, ask-compact (235) does");
                    assertTrue(ans.usage().promptTokens() + 24 <= 300, ans.usage().toString());
                } else {
                    var failed = assertInstanceOf(AnswerOutcome.Failed.class, o);
                    assertEquals(dev.starling.ai.backend.BackendError.Kind.CONTEXT_LENGTH_EXCEEDED, failed.error().kind());
                    assertTrue(failed.error().message().contains("context of 120 tokens"), failed.error().message());
                }
            }
        }
    }

    @Test
    void citationsInAnswersAlwaysResolveToEvidence() {
        for (String q : List.of("coffee", "bridge repairs", "buses trams", "harbour")) {
            Answer a = answered(net.ai.ask().ask(carol.id(), q, AnswerListener.NONE));
            for (Citation c : a.citations()) {
                assertEquals(a.evidencePostIds().get(c.number() - 1), c.postId());
            }
            assertTrue(Set.copyOf(a.evidencePostIds()).size() == a.evidencePostIds().size());
            assertFalse(a.text().matches("(?s).*\\[(\\d+)].*") && a.citations().isEmpty(), a.text());
        }
    }
}
