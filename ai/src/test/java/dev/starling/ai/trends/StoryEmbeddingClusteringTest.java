package dev.starling.ai.trends;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.starling.search.embed.MiniLmEmbedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Grouping by meaning with the real MiniLM embedder and the default threshold: items written in DIFFERENT posts about
 * the same event (a tag and a phrase) form one story; neighbouring topics (a marathon and a football match, both
 * sport in the city) stay apart. Measured mean-vector cosines: earthquake/tremor 0.58, marathon/football 0.37,
 * earthquake/baking 0.15; the default threshold is 0.5.
 */
class StoryEmbeddingClusteringTest {

    private static long nextPost = 1;

    private static StoryClustering.Candidate item(MiniLmEmbedder e, TrendKind kind, String term, double score, List<String> posts) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < posts.size(); i++) {
            ids.add(nextPost++);
        }
        return new StoryClustering.Candidate(kind, term, score, ids, StoryClustering.mean(e.embedAll(posts), e.dimension()));
    }

    @Test
    void sameEventTogetherNeighbouringTopicsApart() {
        MiniLmEmbedder e = new MiniLmEmbedder();
        List<StoryClustering.Candidate> items = List.of(
                item(e, TrendKind.TAG, "earthquake", 90, List.of("Strong earthquake shook the city, buildings swaying #Earthquake",
                        "Everything fell off my shelves #Earthquake", "That #Earthquake woke the whole street",
                        "Magnitude 6 they say #Earthquake stay safe", "Still shaking after the #Earthquake")),
                item(e, TrendKind.PHRASE, "tremor felt", 40, List.of("Felt a big tremor downtown, the ground was shaking",
                        "Anyone else feel that tremor? My windows rattled", "The tremor lasted almost a minute",
                        "Tremor felt across the bay area tonight", "My dog knew the tremor was coming")),
                item(e, TrendKind.TAG, "baking", 30, List.of("Sourdough finally rose properly #Baking", "Cinnamon rolls for the whole office #Baking",
                        "New oven, first bread #Baking", "Gluten free cookies that taste good #Baking", "Croissants take three days #Baking")),
                item(e, TrendKind.PHRASE, "marathon route", 60, List.of("City marathon route closed downtown all morning",
                        "Cheering at mile 20, route closed near the bridge", "Traffic chaos: marathon route closed", "Finished my first marathon",
                        "Bus detours because of the marathon")),
                item(e, TrendKind.TAG, "derby", 50, List.of("What a goal in the derby tonight", "Referee had a shocker in the second half",
                        "Season ticket renewed for the club", "Late equaliser, the stadium went wild", "Our striker is on fire this season")));
        TrendStories.Settings s = TrendStories.Settings.defaults();
        List<StoryClustering.Cluster> stories = StoryClustering.cluster(items, s.minSimilarity(), s.minSharedPosts());
        List<Set<String>> groups = new ArrayList<>();
        for (StoryClustering.Cluster c : stories) {
            Set<String> g = new TreeSet<>();
            c.items().forEach(i -> g.add(i.term()));
            groups.add(g);
        }
        assertEquals(List.of(Set.of("earthquake", "tremor felt"), Set.of("marathon route"), Set.of("derby"), Set.of("baking")), groups);
    }
}
