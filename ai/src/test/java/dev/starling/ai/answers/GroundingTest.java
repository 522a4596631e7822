package dev.starling.ai.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.ai.backend.Usage;
import dev.starling.ai.registry.Feature;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Grounding} on hand-made answers, and its visibility re-check against a real database. */
class GroundingTest {

    static Answer answer(String text, List<Citation> citations, List<Long> evidence) {
        return new Answer(Feature.ASK, text, citations, evidence, "m", null, "stop", new Usage(10, 10), 1, 2);
    }

    static final Map<Long, String> POSTS = Map.of(
            11L, "The northern lights are out over the bay right now. Green curtains moving over the water!",
            12L, "Swing bridge stuck open again, traffic backed up to the station #swingbridge",
            13L, "Best coffee in town is at the harbour kiosk");

    @Test
    void contentWordsFoundInTheCitedPostsMakeAGroundedAnswer() {
        Answer a = answer("People saw green northern lights over the bay [1].", List.of(new Citation(1, 11, "ann")), List.of(11L, 12L));
        Grounding.Verdict v = Grounding.judge(a, POSTS);
        assertTrue(v.citationsValid(), v.problems().toString());
        assertEquals("en", v.language());
        // "people" is a stop word of ours; "saw" is not in the post
        assertEquals(List.of("saw", "green", "northern", "lights", "bay"), v.contentWords());
        assertEquals(List.of("green", "northern", "lights", "bay"), v.supportedWords());
        assertEquals(0.8, v.support(), 1e-9);
        assertTrue(v.grounded());
        assertFalse(v.noEvidence());
    }

    @Test
    void wordsOnlyInAnUncitedPostDoNotCount() {
        // post 12 was given to the model but not cited: its words are no support
        Answer a = answer("The swing bridge is stuck open [1].", List.of(new Citation(1, 11, "ann")), List.of(11L, 12L));
        Grounding.Verdict v = Grounding.judge(a, POSTS);
        assertTrue(v.citationsValid());
        assertEquals(List.of("swing", "bridge", "stuck", "open"), v.contentWords());
        assertEquals(List.of(), v.supportedWords());
        assertFalse(v.grounded());
        // cited properly, the same answer is grounded; a plural matches its singular ("bridges" / "bridge")
        Answer b = answer("The swing bridges are stuck open [2].", List.of(new Citation(2, 12, "bo")), List.of(11L, 12L));
        Grounding.Verdict w = Grounding.judge(b, POSTS);
        assertEquals(1.0, w.support(), 1e-9);
        assertTrue(w.grounded());
    }

    @Test
    void theThresholdIsHalfTheContentWords() {
        // content words: coffee, harbour (in post 13), tea, pier (not): exactly 0.5 -> grounded
        Answer half = answer("coffee harbour tea pier [1]", List.of(new Citation(1, 13, "c")), List.of(13L));
        assertEquals(0.5, Grounding.judge(half, POSTS).support(), 1e-9);
        assertTrue(Grounding.judge(half, POSTS).grounded());
        Answer less = answer("coffee tea pier [1]", List.of(new Citation(1, 13, "c")), List.of(13L));
        assertEquals(1 / 3.0, Grounding.judge(less, POSTS).support(), 1e-9);
        assertFalse(Grounding.judge(less, POSTS).grounded());
    }

    @Test
    void badCitationsAreNamed() {
        // a citation pointing at another post than the n-th given
        Answer wrongPost = answer("lights [1]", List.of(new Citation(1, 12, "x")), List.of(11L, 12L));
        Grounding.Verdict v = Grounding.judge(wrongPost, POSTS);
        assertFalse(v.citationsValid());
        assertTrue(v.problems().getFirst().contains("points at post 12, but post 1 given was 11"), v.problems().toString());
        assertFalse(v.grounded());
        // out of range
        assertFalse(Grounding.judge(answer("lights [3]", List.of(new Citation(3, 11, "x")), List.of(11L)), POSTS).citationsValid());
        // a post the asker may not see (absent from the visible texts)
        Grounding.Verdict hidden = Grounding.judge(answer("lights [1]", List.of(new Citation(1, 99, "x")), List.of(99L)), POSTS);
        assertFalse(hidden.citationsValid());
        assertTrue(hidden.problems().getFirst().contains("may not see"), hidden.problems().toString());
        // a marker in the text without a citation
        Grounding.Verdict marker = Grounding.judge(answer("lights [1] and [2]", List.of(new Citation(1, 11, "x")), List.of(11L, 12L)), POSTS);
        assertFalse(marker.citationsValid());
        assertEquals(List.of("the text cites [2], which is not among the answer's citations"), marker.problems());
    }

    @Test
    void noEvidenceAnswersAreCountedApart() {
        Answer none = new Answer(Feature.ASK, Ask.NO_EVIDENCE_TEXT, List.of(), List.of(), null, null, Answer.NO_EVIDENCE,
                new Usage(0, 0), 0, 0);
        Grounding.Verdict v = Grounding.judge(none, POSTS);
        assertTrue(v.noEvidence());
        assertTrue(v.citationsValid());
        assertFalse(v.grounded());
        // the model declining, citing nothing
        assertTrue(Grounding.judge(answer("The posts do not say when the bridge reopens.", List.of(), List.of(12L)), POSTS).noEvidence());
        // an uncited answer that does not decline is simply ungrounded
        Grounding.Verdict uncited = Grounding.judge(answer("The bridge reopens on Monday.", List.of(), List.of(12L)), POSTS);
        assertFalse(uncited.noEvidence());
        assertFalse(uncited.grounded());
        // an empty answer has no content words: support 0
        assertEquals(0, Grounding.judge(answer("[1]", List.of(new Citation(1, 11, "x")), List.of(11L)), POSTS).support());
    }

    @Test
    void stopWordsAreTheAnswersLanguages() {
        Map<Long, String> posts = Map.of(21L, "Die Nordlichter über der Bucht sind heute Nacht zu sehen");
        Answer de = answer("Die Nordlichter sind über der Bucht zu sehen [1].", List.of(new Citation(1, 21, "d")), List.of(21L));
        Grounding.Verdict v = Grounding.judge(de, posts);
        assertEquals("de", v.language());
        assertEquals(List.of("nordlichter", "bucht", "sehen"), v.contentWords());
        assertTrue(v.grounded());
        // hashtags are words, digits alone are not, accents and case are kept apart only by case folding
        Answer tags = answer("#SwingBridge 2026 traffic [1]", List.of(new Citation(1, 12, "b")), List.of(12L));
        Grounding.Verdict t = Grounding.judge(tags, POSTS);
        assertEquals(List.of("swingbridge", "traffic"), t.contentWords());
        assertEquals(1.0, t.support(), 1e-9);
    }

    @Test
    void visibilityIsCheckedAgainAsTheAsker() {
        try (Database db = TestDatabase.fresh("ai_grounding", 2)) {
            Social s = TestDatabase.social(db);
            Account locked = s.accounts().createWithoutPassword("lockedlee", "l@example.org", "", false).orThrow();
            Account follower = s.accounts().createWithoutPassword("fran", "f@example.org", "", false).orThrow();
            Account stranger = s.accounts().createWithoutPassword("stan", "s@example.org", "", false).orThrow();
            s.relationships().follow(follower.id(), locked.id()).orThrow();
            Post privatePost = s.posts().create(locked.id(), NewPost.of("the heron nests behind the mill", PostVisibility.PRIVATE)).orThrow();
            Post publicPost = s.posts().create(locked.id(), NewPost.of("the mill opens on sunday")).orThrow();
            Answer a = answer("Herons nest behind the mill [1], which opens on sunday [2].",
                    List.of(new Citation(1, privatePost.id(), "lockedlee"), new Citation(2, publicPost.id(), "lockedlee")),
                    List.of(privatePost.id(), publicPost.id()));
            Grounding g = new Grounding(s);
            Grounding.Verdict forFollower = g.judge(follower.id(), a);
            assertTrue(forFollower.citationsValid(), forFollower.problems().toString());
            assertTrue(forFollower.grounded());
            Grounding.Verdict forStranger = g.judge(stranger.id(), a);
            assertFalse(forStranger.citationsValid());
            assertEquals(1, forStranger.problems().size());
            assertFalse(g.judge(null, a).citationsValid(), "anonymous may not see a followers-only post");
            // the public post alone is fine for anyone
            Answer pub = answer("The mill opens on sunday [1].", List.of(new Citation(1, publicPost.id(), "lockedlee")), List.of(publicPost.id()));
            assertTrue(g.judge(null, pub).citationsValid());
        }
    }
}
