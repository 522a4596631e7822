package dev.starling.ai.trends;

import dev.starling.search.embed.MiniLmEmbedder;
import dev.starling.social.Social;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.posts.PostWriter;
import dev.starling.social.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The trends benchmark (opt-in: {@code -Dstarling.bench=true}): TweetEval's emoji tweets (real hashtags and phrases)
 * as {@code -Dbench.posts} public posts (default 45,000) by 2,000 authors spread over 8 days, plus a planted burst;
 * reports the counter's throughput (posts/s through the outbox), the counting rows, the refresh time and the stories
 * update time with MiniLM embeddings (no model: text is not written), and the top items.
 */
class TrendsBench {

    @Test
    void bench() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("starling.bench"), "benchmark: run with -Dstarling.bench=true");
        Path file = Path.of(System.getProperty("starling.shared.dir", "../shared"), "data", "tweeteval", "emoji", "train_text.txt");
        Assumptions.assumeTrue(Files.isReadable(file), "TweetEval not found at " + file);
        List<String> tweets = Files.readAllLines(file);
        int n = Integer.getInteger("bench.posts", tweets.size());
        Random rnd = new Random(42);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        try (Database db = TestDatabase.fresh("trends_bench", 4)) {
            Social social = TestDatabase.social(db);
            List<Long> authors = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                authors.add(social.accounts().createWithoutPassword("b" + i, "b" + i + "@example.test", "", false).orThrow().id());
            }
            long t0 = System.nanoTime();
            for (int start = 0; start < n; start += 1000) {
                int s = start;
                db.inTransaction(c -> {
                    for (int i = s; i < Math.min(n, s + 1000); i++) {
                        String text = tweets.get(i % tweets.size());
                        Instant at = now.minus(Duration.ofMinutes(rnd.nextInt(8 * 1440)));
                        PostWriter.insert(c, authors.get((int) Math.min(authors.size() - 1, Math.abs(rnd.nextGaussian()) * 400)),
                                NewPost.of(text.isBlank() ? "empty" : text, PostVisibility.PUBLIC), at).orThrow();
                    }
                    return null;
                });
            }
            db.inTransaction(c -> {
                for (int i = 0; i < 60; i++) {
                    PostWriter.insert(c, authors.get(1000 + i), NewPost.of("Lights out at the stadium, power cut mid game #Blackout",
                            PostVisibility.PUBLIC), now.minus(Duration.ofMinutes(rnd.nextInt(300)))).orThrow();
                }
                return null;
            });
            double insertS = (System.nanoTime() - t0) / 1e9;
            TrendCounter counter = new TrendCounter(db, social.outbox(), clock, TrendCounter.Options.defaults());
            long t1 = System.nanoTime();
            long events = counter.catchUp();
            double countS = (System.nanoTime() - t1) / 1e9;
            long rows = db.withConnection(c -> {
                try (var st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM trend_uses")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            TrendRefresh refresh = new TrendRefresh(db, clock, TrendRefresh.Settings.defaults());
            TrendRefresh.Result r = refresh.refresh(now);
            TrendRefresh.Result r2 = refresh.refresh(now);
            TrendLists lists = new TrendLists(db, clock);
            TrendStories stories = new TrendStories(db, lists, new MiniLmEmbedder(), null, clock, TrendStories.Settings.defaults());
            long t2 = System.nanoTime();
            TrendStories.UpdateResult u = stories.update();
            double storiesMs = (System.nanoTime() - t2) / 1e6;
            long t3 = System.nanoTime();
            TrendCounter.RebuildResult rb = counter.rebuild();
            double rebuildS = (System.nanoTime() - t3) / 1e9;
            System.out.printf("TrendsBench: %,d posts inserted in %.1f s (social's writer, not trends)%n", n + 60, insertS);
            System.out.printf("TrendsBench: counter %,d events in %.1f s = %,.0f posts/s; %,d trend_uses rows (%.1f per post)%n", events, countS,
                    events / countS, rows, rows / (double) (n + 60));
            System.out.printf("TrendsBench: refresh %d ms (first), %d ms (second); scored %d; trending %s; %d trending posts%n", r.millis(),
                    r2.millis(), r2.scored(), r2.trending(), r2.statuses());
            System.out.printf("TrendsBench: stories update %.0f ms for %d stories (MiniLM, no model)%n", storiesMs, u.stories());
            System.out.printf("TrendsBench: rebuild %,d posts, %,d rows in %.1f s%n", rb.posts(), rb.rows(), rebuildS);
            for (TrendKind k : TrendKind.values()) {
                System.out.println("TrendsBench: top " + k.wireName() + "s: " + lists.items(k, 0, 5).stream()
                        .map(i -> i.term() + String.format("(%.1f, %d accts)", i.score(), i.accounts())).toList());
            }
            for (TrendStory s : stories.list(0, 3)) {
                System.out.println("TrendsBench: story " + s.id() + ": " + s.items().stream().map(TrendStory.Item::term).toList());
            }
        }
    }
}
