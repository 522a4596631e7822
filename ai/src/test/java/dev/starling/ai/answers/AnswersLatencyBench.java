package dev.starling.ai.answers;

import dev.starling.ai.backend.LocalBackend;
import dev.starling.ai.prompts.Prompts;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import dev.starling.search.PostSearch;
import dev.starling.search.index.OutboxIndexer;
import dev.starling.search.index.PostIndex;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.db.Database;
import dev.starling.social.export.PostExport;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Latency of Ask and Explain (opt-in: {@code -Dstarling.bench=true}): 2,000 TweetEval tweets as public posts of 40
 * accounts, lexical retrieval, the model {@code -Dstarling.bench.model=FILE.gguf} (a model trained by Starling) or a
 * synthetic {@code small-llama} (256 wide, 4 layers, 32k vocabulary, F32) in our engine; default token limits (Ask 256,
 * Explain 160). Prints time to first text (what the listener first receives, after the output filter), total time and
 * completion tokens, p50/p90 over {@code -Dstarling.bench.runs=N} (default 20) of each.
 */
class AnswersLatencyBench {

    @TempDir
    Path dir;

    @Test
    void askAndExplainLatency() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("starling.bench"), "benchmark: run with -Dstarling.bench=true");
        Path tweetsFile = Path.of(System.getProperty("starling.shared.dir", "../shared"), "data", "tweeteval", "emoji", "train_text.txt");
        Assumptions.assumeTrue(Files.isReadable(tweetsFile), () -> "skipped: " + tweetsFile + " is absent");
        int runs = Integer.getInteger("starling.bench.runs", 20);
        String given = System.getProperty("starling.bench.model");
        Path model;
        if (given != null) {
            model = Path.of(given);
        } else {
            model = dir.resolve("small-llama.gguf");
            SyntheticModel.write(Shape.SMALL_LLAMA, GgmlType.F32, null, 1, model);
        }
        List<String> tweets = Files.readAllLines(tweetsFile).subList(0, 2000);
        try (Database db = TestDatabase.fresh("ai_latency", 8);
             PostIndex index = PostIndex.open(new ByteBuffersDirectory(), null);
             ModelRegistry registry = ModelRegistry.withDefaultOpener()) {
            Social social = TestDatabase.social(db);
            List<Account> accounts = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                accounts.add(social.accounts().createWithoutPassword("bench" + i, "b" + i + "@example.org", "", false).orThrow());
            }
            Random r = new Random(42);
            List<Post> posts = new ArrayList<>();
            for (String t : tweets) {
                var o = social.posts().create(accounts.get(r.nextInt(accounts.size())).id(), NewPost.of(t.length() > 280 ? t.substring(0, 280) : t));
                if (o.isOk()) {
                    posts.add(o.orThrow());
                }
            }
            PostExport export = new PostExport(db);
            new OutboxIndexer(index, social.outbox(), export).catchUp();
            registry.addFile(model, "bench");
            registry.assignAll("bench");
            StarlingAi ai = StarlingAi.create(social, new PostSearch(index, export, Clock.systemUTC()), registry, Prompts.classpath(),
                    AnswerSettings.defaults().withSampling(0.7, java.util.OptionalLong.of(1)));
            System.out.printf("model %s: %s, %d posts, load average %.1f%n", model.getFileName(),
                    registry.snapshot().models().getFirst().entry(), posts.size(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            // warm-up
            for (int i = 0; i < 3; i++) {
                ai.ask().ask(accounts.getFirst().id(), "love summer beach", AnswerListener.NONE);
            }
            List<Answer> asks = new ArrayList<>();
            List<Answer> explains = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                String[] words = tweets.get(r.nextInt(tweets.size())).split("\\s+");
                String q = String.join(" ", Arrays.copyOf(words, Math.min(4, words.length)));
                AnswerOutcome ask = ai.ask().ask(accounts.get(r.nextInt(accounts.size())).id(), q, AnswerListener.NONE);
                if (ask instanceof AnswerOutcome.Answered a && a.answer().modelId() != null) {
                    asks.add(a.answer());
                } else if (!(ask instanceof AnswerOutcome.Answered)) {
                    System.out.println("ask '" + q + "': " + ask);
                }
                Post p = posts.get(r.nextInt(posts.size()));
                AnswerOutcome explain = ai.explain().explain(accounts.get(r.nextInt(accounts.size())).id(), p.id(), AnswerListener.NONE);
                if (explain instanceof AnswerOutcome.Answered a) {
                    explains.add(a.answer());
                } else {
                    System.out.println("explain " + p.id() + ": " + explain);
                }
            }
            report("ask", asks);
            report("explain", explains);
        }
    }

    private static void report(String what, List<Answer> answers) {
        long[] first = answers.stream().mapToLong(Answer::firstTextMillis).filter(x -> x >= 0).sorted().toArray();
        long[] total = answers.stream().mapToLong(Answer::totalMillis).sorted().toArray();
        long[] tokens = answers.stream().mapToLong(a -> a.usage().completionTokens()).sorted().toArray();
        long[] prompt = answers.stream().mapToLong(a -> a.usage().promptTokens()).sorted().toArray();
        System.out.printf("%s: %d answers; first text p50 %d ms p90 %d ms; total p50 %d ms p90 %d ms; completion tokens p50 %d;"
                        + " prompt tokens p50 %d%n", what, answers.size(), pct(first, 50), pct(first, 90), pct(total, 50), pct(total, 90),
                pct(tokens, 50), pct(prompt, 50));
    }

    private static long pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
