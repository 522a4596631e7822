package dev.starling.ai.assistant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.starling.ai.budget.AiBudget;
import dev.starling.ai.prompts.Prompts;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opt-in benchmark ({@code -Dstarling.bench=true}): a burst of mentions (default 1,000, {@code -Dbench.mentions=})
 * lands at once; the assistant (tiny model of our engine, {@code -Dbench.workers=} workers, default 2) works through
 * it. Prints the backlog over time, replies per second, and the times to the first and the last reply.
 */
class AssistantBurstBenchTest {

    @TempDir
    Path dir;

    @Test
    void burstOfMentions() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("starling.bench"), "benchmark: run with -Dstarling.bench=true");
        int mentions = Integer.getInteger("bench.mentions", 1000);
        int workers = Integer.getInteger("bench.workers", 2);
        int maxTokens = Integer.getInteger("bench.maxTokens", 32);
        try (Database db = TestDatabase.fresh("assistant_bench", 16)) {
            Social social = TestDatabase.social(db);
            ModelRegistry registry = TinyModel.registry(TinyModel.write(dir));
            AiBudget budget = new AiBudget(db, AiBudget.Config.parse("assistant=1000000/1000000000"), Clock.systemUTC());
            AssistantConfig config = AssistantConfig.defaults().withWorkers(workers, 32).withGeneration(maxTokens, 30_000, 2, 100);
            List<Account> people = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                people.add(social.accounts().createWithoutPassword("b" + i, "b" + i + "@example.org", "b" + i, false).orThrow());
            }
            try (AssistantService assistant = AssistantService.create(social, registry, null, budget, Prompts.classpath(), config)) {
                AtomicLong first = new AtomicLong();
                AtomicLong last = new AtomicLong();
                assistant.onOutcome(o -> {
                    long now = System.nanoTime();
                    first.compareAndSet(0, now);
                    last.set(now);
                });
                long c0 = System.nanoTime();
                for (int i = 0; i < mentions; i++) {
                    Account a = people.get(i % people.size());
                    social.posts().create(a.id(), NewPost.of("@starling burst question " + i + " about coffee and rain?",
                            i % 4 == 0 ? PostVisibility.PRIVATE : PostVisibility.PUBLIC)).orThrow();
                }
                long createdMillis = (System.nanoTime() - c0) / 1_000_000;
                System.out.printf("AssistantBurstBench: %d mentions written in %d ms; %d workers, queue %d, max_tokens %d, model %s%n",
                        mentions, createdMillis, workers, config.queueCapacity(), maxTokens, TinyModel.SHAPE);
                long t0 = System.nanoTime();
                assistant.start();
                System.out.println("AssistantBurstBench: seconds  backlog_mentions  queued  in_flight  replied  skipped  failed  heap_used_MB");
                AssistantService.Stats st;
                long nextPrint = 0;
                do {
                    Thread.sleep(250);
                    st = assistant.stats();
                    long s = (System.nanoTime() - t0) / 1_000_000_000L;
                    if (s >= nextPrint || st.backlogMentions() == 0) {
                        Runtime rt = Runtime.getRuntime();
                        System.out.printf("AssistantBurstBench: %7d  %16d  %6d  %9d  %7d  %7d  %6d  %12d%n", s, st.backlogMentions(), st.queued(),
                                st.inFlight(), st.replied(), st.skipped(), st.failed(), (rt.totalMemory() - rt.freeMemory()) >> 20);
                        nextPrint = s + 10;
                    }
                } while (st.replied() + st.skipped() + st.failed() < mentions && (System.nanoTime() - t0) < 3_600_000_000_000L);
                double firstSeconds = (first.get() - t0) / 1e9;
                double lastSeconds = (last.get() - t0) / 1e9;
                System.out.printf("AssistantBurstBench: first reply after %.2f s, last after %.1f s, %.2f replies/s overall%n", firstSeconds,
                        lastSeconds, st.replied() / lastSeconds);
                assertEquals(mentions, st.replied(), st.toString());
            } finally {
                registry.close();
            }
        }
    }
}
