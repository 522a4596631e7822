package dev.starling.ai.trends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.testing.TestDatabase;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wired service: its counter and schedule threads pick up new posts on their own, then stop on close. */
class TrendsServiceTest {

    @Test
    void newPostsTrendWithoutAnyoneAskingAndThreadsStop() throws Exception {
        try (Database db = TestDatabase.fresh("trends_service")) {
            Social social = TestDatabase.social(db);
            TrendsService.Options options = TrendsService.Options.defaults().withRefreshIntervalMillis(1000);
            try (TrendsService trends = TrendsService.start(db, social.outbox(), null, null, null, Clock.systemUTC(), options)) {
                for (int i = 0; i < 5; i++) {
                    long a = social.accounts().createWithoutPassword("svc" + i, "svc" + i + "@example.test", "", false).orThrow().id();
                    social.posts().create(a, NewPost.of("Power cut across the whole street #Blackout", PostVisibility.PUBLIC)).orThrow();
                }
                long deadline = System.currentTimeMillis() + 20_000;
                List<TrendItem> tags = List.of();
                while (System.currentTimeMillis() < deadline) {
                    tags = trends.lists().items(TrendKind.TAG, 0, 10);
                    if (!tags.isEmpty() && !trends.stories().list(0, 10).isEmpty()) {
                        break;
                    }
                    Thread.sleep(100);
                }
                assertEquals("blackout", tags.isEmpty() ? null : tags.getFirst().term(), tags.toString());
                TrendStory story = trends.stories().list(0, 10).getFirst();
                assertEquals("no_model", story.textState());
                assertTrue(story.postIds().size() >= 3);
            }
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.isAlive() && (t.getName().equals("trend-counter") || t.getName().equals("trend-scheduler"))), "threads stopped");
        }
    }

    @Test
    void refreshSoonRunsBetweenScheduledRuns() throws Exception {
        try (Database db = TestDatabase.fresh("trends_soon")) {
            Social social = TestDatabase.social(db);
            TrendsService.Options hourly = TrendsService.Options.defaults().withRefreshIntervalMillis(3_600_000);
            try (TrendsService trends = TrendsService.start(db, social.outbox(), null, null, null, Clock.systemUTC(), hourly)) {
                awaitRefreshes(trends, 1); // the schedule's first run, at start
                trends.refreshSoon();
                awaitRefreshes(trends, 2); // the next scheduled one is an hour away
            }
        }
    }

    private static void awaitRefreshes(TrendsService trends, long n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (trends.refreshesCompleted() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(n, trends.refreshesCompleted(), "refreshes completed");
    }
}
