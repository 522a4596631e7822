package dev.starling.ai.trends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of stories: reading the model's text, and the clustering rule. */
class StoryPartsTest {

    @Test
    void storyTextReadsLabelsStripsLinksAndBadCitations() {
        StoryText.Parsed p = StoryText.parse("""
                Headline: Aurora lights up the north <b>tonight</b>
                Summary: Many saw the lights [1][2], some photographed them [3] and [9] see https://evil.example/x for more.
                """, 4);
        assertEquals("Aurora lights up the north tonight", p.headline());
        assertEquals("Many saw the lights [1][2], some photographed them [3] and see for more.", p.summary());
        assertEquals(List.of(1, 2, 3), p.cited());
    }

    @Test
    void storyTextWithoutLabelsTakesTheFirstLineAsHeadlineAndCuts() {
        StoryText.Parsed p = StoryText.parse("A long day\n" + "word ".repeat(400), 3);
        assertEquals("A long day", p.headline());
        assertEquals(StoryText.MAX_SUMMARY_CHARS, p.summary().length());
        assertEquals(List.of(), p.cited());
        assertEquals("", StoryText.parse("   \n ", 3).headline());
        assertFalse(StoryText.parse("Headline: see www.spam.example now [2]", 3).headline().contains("spam"));
    }

    @Test
    void aListMarkerBeforeTheHeadlineIsNotPartOfIt() {
        assertEquals("The old tram line reopens", StoryText.parse("Headline: - The old tram line reopens\nSummary: x [1]", 3).headline());
        assertEquals("The old tram line reopens", StoryText.parse("* The old tram line reopens", 3).headline());
        assertEquals("Tram line reopens", StoryText.parse("1. Tram line reopens", 3).headline());
        assertEquals("2026 tram plans", StoryText.parse("Headline: 2026 tram plans", 3).headline(), "a number that is not a list marker stays");
        assertEquals("-5 degrees tonight", StoryText.parse("Headline: -5 degrees tonight", 3).headline());
    }

    @Test
    void oneLineOfCitedSentencesGivesItsFirstSentenceAsHeadline() {
        StoryText.Parsed p = StoryText.parse("The northern lights reached the coast. [1] My grandmother saw them too [2] and so did we. [3]", 3);
        assertEquals("The northern lights reached the coast.", p.headline());
        assertEquals("The northern lights reached the coast. [1] My grandmother saw them too [2] and so did we. [3]", p.summary());
        assertEquals(List.of(1, 2, 3), p.cited());
        StoryText.Parsed marker = StoryText.parse("#aurora The whole street came out [1] to watch, said many [2]", 3);
        assertEquals("#aurora The whole street came out", marker.headline());
        assertEquals(List.of(1, 2), marker.cited());
        // no citation: a plain first line stays the headline, the next lines the summary
        StoryText.Parsed plain = StoryText.parse("Lights tonight. Go outside\nPeople saw them [1]", 3);
        assertEquals("Lights tonight. Go outside", plain.headline());
        assertEquals("People saw them [1]", plain.summary());
    }

    private static StoryClustering.Candidate cand(String term, double score, List<Long> posts, float... v) {
        return new StoryClustering.Candidate(TrendKind.TAG, term, score, posts, v);
    }

    @Test
    void similarItemsOrItemsSharingPostsGroupTogether() {
        var aurora = cand("aurora", 100, List.of(1L, 2L, 3L), 1, 0, 0);
        var lights = cand("northern lights", 50, List.of(4L, 5L, 6L), 0.8f, 0.6f, 0); // cosine 0.8 with aurora
        var marathon = cand("marathon", 80, List.of(7L, 8L, 9L), 0, 0, 1);
        var route = cand("route closed", 20, List.of(8L, 9L, 10L), 0, 1, 0); // orthogonal, but shares 2 posts with marathon
        var lonely = cand("cats", 10, List.of(11L, 12L, 13L), 0, -1, 0);
        List<StoryClustering.Cluster> cs = StoryClustering.cluster(List.of(lights, route, lonely, marathon, aurora), 0.6, 2);
        assertEquals(3, cs.size());
        assertEquals(List.of("aurora", "northern lights"), cs.get(0).items().stream().map(StoryClustering.Candidate::term).toList());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), cs.get(0).postIds());
        assertEquals(100, cs.get(0).score());
        assertEquals(List.of("marathon", "route closed"), cs.get(1).items().stream().map(StoryClustering.Candidate::term).toList());
        assertEquals(List.of(7L, 8L, 9L, 10L), cs.get(1).postIds(), "posts once each");
        assertEquals(List.of("cats"), cs.get(2).items().stream().map(StoryClustering.Candidate::term).toList());
        // a higher threshold separates aurora and the lights
        assertEquals(4, StoryClustering.cluster(List.of(lights, route, lonely, marathon, aurora), 0.9, 2).size());
    }

    @Test
    void cosineAndMean() {
        assertEquals(0.8, StoryClustering.cosine(new float[] {1, 0}, new float[] {0.8f, 0.6f}), 1e-6);
        assertEquals(0, StoryClustering.cosine(new float[] {0, 0}, new float[] {1, 0}));
        float[] m = StoryClustering.mean(List.of(new float[] {1, 0}, new float[] {0, 1}), 2);
        assertEquals(Math.sqrt(0.5), m[0], 1e-6);
        assertEquals(Math.sqrt(0.5), m[1], 1e-6);
    }
}
