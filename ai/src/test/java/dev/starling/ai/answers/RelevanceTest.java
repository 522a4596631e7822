package dev.starling.ai.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Relevance} on hand-made answers: relevant ones pass; fluent off-topic, content-free and copied off-topic fail. */
class RelevanceTest {

    static final Map<Long, String> POSTS = Map.of(
            11L, "Solar storm warning earlier, and now the northern lights are dancing over the rooftops #aurora",
            12L, "The cafe keeps a book of poems by the window. Nobody knows who started it.",
            13L, "Is that... the swing bridge stuck open again? #swingbridge",
            14L, "Green curtains over the bay tonight, the aurora is back");

    static Answer answer(String text, List<Citation> citations, List<Long> evidence) {
        return GroundingTest.answer(text, citations, evidence);
    }

    static final Relevance.Topic AURORA = Relevance.Topic.hashtag("#aurora");

    @Test
    void anAnswerQuotingAPostOnTheTopicIsRelevant() {
        Answer a = answer("Now the northern lights are dancing over the rooftops [1].", List.of(new Citation(1, 11, "ann")),
                List.of(11L, 12L));
        Relevance.Verdict v = Relevance.judge(a, POSTS, AURORA);
        assertTrue(v.grounding().grounded());
        assertEquals(1, v.relevantCitedPosts());
        assertEquals(1.0, v.citationPrecision(), 1e-9);
        assertEquals(1.0, v.relevantSupportShare(), 1e-9);
        assertEquals(List.of("northern", "lights", "dancing", "rooftops"), v.newWords());
        assertTrue(v.relevant());
        // the hashtag as a plain word counts too (post 14 says "the aurora is back")
        Answer b = answer("Green curtains over the bay tonight [1].", List.of(new Citation(1, 14, "bo")), List.of(14L));
        assertTrue(Relevance.judge(b, POSTS, AURORA).relevant());
    }

    @Test
    void aFluentOffTopicAnswerFails() {
        // cites the right post, but its words are not there: neither grounded nor relevant
        Answer fluent = answer("The cafe keeps a book of poems by the window [1].", List.of(new Citation(1, 11, "ann")), List.of(11L, 12L));
        Relevance.Verdict v = Relevance.judge(fluent, POSTS, AURORA);
        assertFalse(v.grounding().grounded());
        assertFalse(v.relevant());
        // the same words, citing the post they come from: grounded (Grounding's old measure passes it), but off topic
        Answer copied = answer("The cafe keeps a book of poems by the window [2].", List.of(new Citation(2, 12, "cy")), List.of(11L, 12L));
        Relevance.Verdict w = Relevance.judge(copied, POSTS, AURORA);
        assertTrue(w.grounding().grounded(), "a copying answer is grounded by construction");
        assertEquals(0, w.relevantCitedPosts());
        assertEquals(0.0, w.citationPrecision(), 1e-9);
        assertFalse(w.relevant());
    }

    @Test
    void copyingTheOffTopicPostWhileAlsoCitingAnOnTopicOneFails() {
        Answer a = answer("The cafe keeps a book of poems [2], see also [1].",
                List.of(new Citation(2, 12, "cy"), new Citation(1, 11, "ann")), List.of(11L, 12L));
        Relevance.Verdict v = Relevance.judge(a, POSTS, AURORA);
        assertTrue(v.grounding().grounded());
        assertEquals(0.5, v.citationPrecision(), 1e-9);
        assertEquals(List.of(), v.relevantSupport());
        assertFalse(v.relevant());
    }

    @Test
    void aContentFreeAnswerFails() {
        Answer a = answer("Is that... [1]", List.of(new Citation(1, 13, "dee")), List.of(13L));
        Relevance.Verdict v = Relevance.judge(a, POSTS, Relevance.Topic.hashtag("swingbridge"));
        assertEquals(1, v.relevantCitedPosts(), "the cited post is on topic");
        assertEquals(List.of(), v.grounding().contentWords());
        assertFalse(v.grounding().grounded());
        assertFalse(v.relevant());
        // nor one whose only content is the topic itself
        Relevance.Verdict echo = Relevance.judge(answer("#swingbridge Is that... [1]", List.of(new Citation(1, 13, "dee")), List.of(13L)),
                POSTS, Relevance.Topic.hashtag("swingbridge"));
        assertTrue(echo.grounding().grounded(), "grounded: its one content word is in the post");
        assertEquals(List.of("swingbridge"), echo.relevantSupport());
        assertEquals(List.of(), echo.newWords());
        assertFalse(echo.relevant());
        Relevance.Verdict words = Relevance.judge(answer("The swing bridge [1]", List.of(new Citation(1, 13, "dee")), List.of(13L)),
                POSTS, Relevance.Topic.words(List.of("bridges", "swing")));
        assertEquals(List.of(), words.newWords(), "the topic's words, plural or not");
        assertFalse(words.relevant());
        assertTrue(Relevance.judge(answer("The swing bridge is stuck open again [1]", List.of(new Citation(1, 13, "dee")), List.of(13L)),
                POSTS, Relevance.Topic.words(List.of("bridge", "swing"))).relevant(), "stuck, open: more than the question");
        // nor does an answer citing nothing, or one whose citation is invalid
        assertFalse(Relevance.judge(answer("northern lights dancing", List.of(), List.of(11L)), POSTS, AURORA).relevant());
        Relevance.Verdict invalid = Relevance.judge(answer("northern lights dancing [1]", List.of(new Citation(1, 11, "x")),
                List.of(12L)), POSTS, AURORA);
        assertFalse(invalid.grounding().citationsValid());
        assertEquals(0, invalid.relevantCitedPosts());
        assertFalse(invalid.relevant());
    }

    @Test
    void topicsFromKeyWordsAndFromQuestions() {
        // two thirds of three words: two of them
        Relevance.Topic t = Relevance.Topic.words(List.of("bridge", "swing", "traffic"));
        assertEquals(2, t.minWords());
        assertTrue(t.matches(POSTS.get(13L)), "swing and bridge");
        assertFalse(t.matches("traffic on the ring road"));
        assertTrue(Relevance.Topic.words(List.of("lights", "northern")).matches(POSTS.get(11L)));
        assertFalse(Relevance.Topic.words(List.of("lights", "southern")).matches(POSTS.get(11L)));
        // a plural finds its singular
        assertTrue(Relevance.Topic.words(List.of("poem", "books")).matches(POSTS.get(12L)));
        // from a question: its hashtags, else its content words without question words
        assertEquals(Set.of("aurora"), Relevance.Topic.ofQuestion("What is happening with #Aurora?").orElseThrow().hashtags());
        Relevance.Topic words = Relevance.Topic.ofQuestion("Any news on the swing bridge?").orElseThrow();
        assertEquals(List.of("swing", "bridge"), words.words());
        assertEquals(2, words.minWords());
        assertTrue(Relevance.Topic.ofQuestion("What is it?").isEmpty());
        // a hashtag must be the whole tag
        assertFalse(Relevance.Topic.hashtag("swing").matches("#swingbridge stuck"));
        assertThrows(IllegalArgumentException.class, () -> new Relevance.Topic(Set.of(), List.of("a"), 2));
        assertThrows(IllegalArgumentException.class, () -> new Relevance.Topic(Set.of(), List.of(), 0));
    }

    @Test
    void citedPostsAreReadAgainAsTheAsker() {
        try (Database db = TestDatabase.fresh("ai_relevance", 2)) {
            Social s = TestDatabase.social(db);
            Account locked = s.accounts().createWithoutPassword("lockedlee", "l@example.org", "", false).orThrow();
            Account stranger = s.accounts().createWithoutPassword("stan", "s@example.org", "", false).orThrow();
            Post hidden = s.posts().create(locked.id(), NewPost.of("herons nest behind the mill #herons", PostVisibility.PRIVATE)).orThrow();
            Answer a = answer("Herons nest behind the mill [1].", List.of(new Citation(1, hidden.id(), "lockedlee")), List.of(hidden.id()));
            Relevance r = new Relevance(s);
            assertTrue(r.judge(locked.id(), a, Relevance.Topic.hashtag("herons")).relevant(), "the author may see it");
            Relevance.Verdict v = r.judge(stranger.id(), a, Relevance.Topic.hashtag("herons"));
            assertFalse(v.grounding().citationsValid());
            assertFalse(v.relevant());
        }
    }
}
