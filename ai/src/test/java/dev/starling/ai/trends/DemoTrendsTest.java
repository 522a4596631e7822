package dev.starling.ai.trends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.db.Database;
import dev.starling.social.demo.Corpus;
import dev.starling.social.demo.DemoNetwork;
import dev.starling.social.demo.DemoSummary;
import dev.starling.social.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What a newcomer sees on {@code starling serve --demo}: the demo network's planted events trend (their tag, link and
 * phrase top each list, the smaller event trends too, nothing of the evenly spread rest does) and become stories,
 * listed without text and with the reason when no model is configured.
 */
class DemoTrendsTest {

    /** 150 accounts keep it fast; {@code -Dstarling.demo.accounts=300} checks the size {@code serve --demo} builds. */
    static final int ACCOUNTS = Integer.getInteger("starling.demo.accounts", 150);

    @Test
    void theDemosPlantedEventsTrendAndFormStories() {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("DemoTrendsTest: seed " + seed + ", " + ACCOUNTS + " accounts (replay with -Dtests.seed=" + seed + ")");
        Instant end = DemoNetwork.noonUtc(LocalDate.of(2026, 3, 1));
        Instant now = end.plus(Duration.ofMinutes(20)); // serve builds the demo up to the start of the current hour
        try (Database db = TestDatabase.fresh("demo_trends")) {
            long t0 = System.nanoTime();
            DemoSummary demo = DemoNetwork.build(db, seed, Corpus.defaultCorpus(), new DemoNetwork.Options(ACCOUNTS, 6, 7, end));
            long built = System.nanoTime();
            Social social = TestDatabase.social(db);
            TrendsService trends = TrendsService.create(db, social.outbox(), null, null, null, Clock.fixed(now, ZoneOffset.UTC),
                    TrendsService.Options.defaults());
            trends.runNow();
            assertEquals(0, trends.counter().lag(), "every demo event counted");
            System.out.printf("demo built in %d ms, trends counted and scored in %d ms: %s%n", (built - t0) / 1_000_000,
                    (System.nanoTime() - built) / 1_000_000, demo);

            DemoSummary.Event big = demo.events().get(0);
            DemoSummary.Event small = demo.events().get(1);
            String bigLink = Links.normalize(big.link()).orElseThrow();
            String smallLink = Links.normalize(small.link()).orElseThrow();
            List<TrendItem> tags = trends.lists().items(TrendKind.TAG, 0, 20);
            List<TrendItem> links = trends.lists().items(TrendKind.LINK, 0, 20);
            List<TrendItem> phrases = trends.lists().items(TrendKind.PHRASE, 0, 20);
            System.out.println("tags: " + terms(tags) + "\nlinks: " + terms(links) + "\nphrases: " + terms(phrases));

            assertEquals(big.tag(), first(tags), "the big event's tag tops the tags: " + tags);
            assertEquals(bigLink, first(links), "its link tops the links: " + links);
            assertEquals(big.phrase(), first(phrases), "its phrase tops the phrases: " + phrases);
            assertTrue(find(phrases, big.phrase()).accounts() >= big.accounts(), "every author of the event said the phrase");
            assertTrue(terms(tags).contains(small.tag()), "the smaller event's tag trends too: " + tags);
            assertTrue(terms(links).contains(smallLink), "and its link: " + links);
            assertTrue(terms(phrases).contains(small.phrase()), "and its phrase: " + phrases);
            assertTrue(find(tags, big.tag()).score() > find(tags, small.tag()).score());
            // the evenly spread rest of the network seldom trends (a tag can have a busier day than any of the week before);
            // the planted events stand out far above it
            for (List<TrendItem> list : List.of(tags, links, phrases)) {
                for (TrendItem i : list) {
                    if (!Set.of(big.tag(), small.tag(), bigLink, smallLink, big.phrase(), small.phrase()).contains(i.term())) {
                        assertTrue(i.score() < find(list, list == tags ? small.tag() : list == links ? smallLink : small.phrase()).score(),
                                "the smaller event ranks above the background: " + list);
                    }
                }
            }

            List<TrendStory> stories = trends.stories().list(0, 20);
            System.out.println("stories: " + stories.stream().map(s -> s.items().stream().map(TrendStory.Item::term).toList() + " "
                    + s.postIds().size() + " posts, " + s.textState()).toList());
            assertTrue(stories.size() >= 2, "a story for each event: " + stories);
            TrendStory top = stories.getFirst();
            assertEquals(Set.of(big.tag(), bigLink, big.phrase()), top.items().stream().map(TrendStory.Item::term)
                    .filter(t -> Set.of(big.tag(), bigLink, big.phrase()).contains(t)).collect(Collectors.toSet()),
                    "the big event's tag, link and phrase are one story: " + top.items());
            assertTrue(top.postIds().size() >= 3, "the story cites posts: " + top.postIds());
            TrendStory second = stories.stream().filter(s -> s.items().stream().anyMatch(i -> i.term().equals(small.tag()))).findFirst()
                    .orElseThrow(() -> new AssertionError("no story for the smaller event: " + stories));
            assertTrue(second.items().stream().anyMatch(i -> i.term().equals(small.phrase())), "with its phrase: " + second.items());
            assertFalse(second.items().stream().anyMatch(i -> i.term().equals(big.tag())), "the two events are separate stories");
            for (TrendStory s : stories) {
                assertEquals("no_model", s.textState(), s.toString());
                assertNotNull(s.reason());
                assertTrue(s.reason().contains("no model"), "listed with the reason: " + s.reason());
                assertNull(s.headline(), "no text without a model");
            }
        }
    }

    static List<String> terms(List<TrendItem> items) {
        return items.stream().map(TrendItem::term).toList();
    }

    static String first(List<TrendItem> items) {
        return items.isEmpty() ? null : items.getFirst().term();
    }

    static TrendItem find(List<TrendItem> items, String term) {
        return items.stream().filter(i -> i.term().equals(term)).findFirst().orElseThrow(() -> new AssertionError(term + " not in " + items));
    }
}
