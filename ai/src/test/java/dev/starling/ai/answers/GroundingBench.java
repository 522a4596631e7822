package dev.starling.ai.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.ai.assistant.AssistantConfig;
import dev.starling.ai.assistant.AssistantService;
import dev.starling.ai.assistant.MentionOutcome;
import dev.starling.ai.budget.AiBudget;
import dev.starling.ai.budget.BudgetLimits;
import dev.starling.ai.prompts.Prompts;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.ai.training.DatabaseCorpus;
import dev.starling.ai.training.TrainingConfig;
import dev.starling.ai.training.TrainingJob;
import dev.starling.ai.training.TrainingResult;
import dev.starling.search.PostSearch;
import dev.starling.search.authors.AuthorSignalsSource;
import dev.starling.search.embed.MiniLmEmbedder;
import dev.starling.search.index.OutboxIndexer;
import dev.starling.search.index.PostIndex;
import dev.starling.social.Social;
import dev.starling.social.db.Database;
import dev.starling.social.demo.Corpus;
import dev.starling.social.demo.DemoNetwork;
import dev.starling.social.demo.DemoSummary;
import dev.starling.social.export.PostExport;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.testing.TestDatabase;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grounding of Ask and the assistant's reply latency on the demo network (opt-in: {@code -Dstarling.bench=true}).
 *
 * <p>Builds the demo network as {@code serve --demo} does (social's generator, seed {@code -Dstarling.bench.demoSeed},
 * default 42, 300 accounts), indexes it as serve does (MiniLM embeddings; {@code -Dstarling.bench.embeddings=off} for
 * lexical only), and serves every feature with the model {@code -Dstarling.bench.model=FILE.gguf} (a model trained by
 * {@code starling train}); without one it trains a tiny model on the network's consented posts first (tiny preset,
 * 256-token context, 60 s) and says so. Questions ({@code -Dstarling.bench.questions}, default 120, at least 100) come
 * from the network: the planted trend events (#aurora, #swingbridge: tag, phrase), the demo's hashtags, content words of
 * public posts and of followers-only posts of locked accounts; askers alternate between accounts that follow a locked
 * account and accounts that follow none. Each is asked through {@link StarlingAi} as its asker and judged by
 * {@link Grounding} as that asker. Prints the valid-and-visible share (asserted to be 100%), the grounded share, the
 * no-evidence share, the distribution of key-word support, time to first text and total time p50/p90, once per copy
 * weight ({@code -Dstarling.bench.copyWeight=0,0.5,0.8}: copy-augmented decoding, {@code ai.backend.CopyMixture}; default:
 * the settings' choice by model); then the assistant ({@code -Dstarling.bench.assistant=false} skips it): 20 sequential
 * mentions, each from its posting to its reply being posted, p50/p90.
 */
class GroundingBench {

    @TempDir
    Path dir;

    record Question(String kind, String text, long askerId, boolean followsLocked) {
    }

    @Test
    void groundingOfAskAndAssistantLatency() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("starling.bench"), "benchmark: run with -Dstarling.bench=true");
        long seed = Long.getLong("starling.bench.demoSeed", 42);
        int wanted = Math.max(100, Integer.getInteger("starling.bench.questions", 120));
        boolean embeddings = !"off".equalsIgnoreCase(System.getProperty("starling.bench.embeddings", "on"));
        long cpu0 = cpuNanos();
        try (Database db = TestDatabase.fresh("ai_grounding_bench", 8);
             PostIndex index = PostIndex.open(new ByteBuffersDirectory(), embeddings ? new MiniLmEmbedder() : null);
             ModelRegistry registry = ModelRegistry.withDefaultOpener()) {
            Social social = TestDatabase.social(db);
            long t0 = System.nanoTime();
            DemoSummary demo = DemoNetwork.build(db, seed, Corpus.defaultCorpus());
            PostExport export = new PostExport(db);
            new OutboxIndexer(index, social.outbox(), export).catchUp();
            System.out.printf("demo network (seed %d): %d accounts, %d posts, events %s; indexed (embeddings %s) in %.1f s%n", seed,
                    demo.accounts(), demo.posts(), demo.events().stream().map(e -> "#" + e.tag()).toList(), embeddings ? "on" : "off",
                    (System.nanoTime() - t0) / 1e9);
            // one network, one model after the other (-Dstarling.bench.model=A.gguf,B.gguf: a comparison at the same load)
            List<Question> questions = questions(db, demo, new Random(seed), wanted);
            int i = 0;
            for (Path model : models(db)) {
                String id = "bench" + (i++ == 0 ? "" : "-" + i);
                registry.addFile(model, id);
                assertTrue(registry.assignAll(id) instanceof ModelRegistry.SwitchOutcome.Switched);
                PostSearch search = new PostSearch(index, export::relations, Clock.systemUTC(), new AuthorSignalsSource(db));
                System.out.printf("%nmodel %s%n", registry.snapshot().models().stream().filter(m -> m.entry().id().equals(id))
                        .findFirst().orElseThrow().entry());
                Grounding grounding = new Grounding(social);
                for (OptionalDouble weight : copyWeights()) {
                    AnswerSettings settings = AnswerSettings.defaults().withSampling(0.7, java.util.OptionalLong.of(seed));
                    settings = weight.isPresent() ? settings.withCopyWeight(weight.getAsDouble()) : settings;
                    StarlingAi ai = StarlingAi.create(social, search, registry, Prompts.classpath(), settings);
                    System.out.printf("%ncopy weight %s (copy-augmented decoding from the evidence posts; ai.backend.CopyMixture)%n",
                            weight.isPresent() ? weight.getAsDouble() : "by model: " + settings.copyWeightFor(registry.snapshot().models()
                                    .stream().filter(m -> m.entry().id().equals(id)).findFirst().orElseThrow().entry()));
                    long askCpu = cpuNanos();
                    long askWall = System.nanoTime();
                    ask(ai, grounding, social, questions);
                    System.out.printf("  asking took %.1f s wall, %.1f s process CPU (load average %.1f)%n",
                            (System.nanoTime() - askWall) / 1e9, (cpuNanos() - askCpu) / 1e9, load());
                }
                if (!"false".equals(System.getProperty("starling.bench.assistant"))) {
                    assistantLatency(social, registry, search, seed);
                }
            }
        }
        System.out.printf("process CPU %.1f s, load average %.1f%n", (cpuNanos() - cpu0) / 1e9, load());
    }

    /**
     * The copy weights to compare ({@code -Dstarling.bench.copyWeight=0,0.5,0.8}; each model's questions are asked once per
     * weight); by default the settings' own choice by model (0.5 for a model trained by Starling).
     */
    private static List<OptionalDouble> copyWeights() {
        String given = System.getProperty("starling.bench.copyWeight");
        if (given == null || given.isBlank()) {
            return List.of(OptionalDouble.empty());
        }
        return java.util.Arrays.stream(given.split(",")).map(String::strip).filter(x -> !x.isEmpty())
                .map(x -> OptionalDouble.of(Double.parseDouble(x))).toList();
    }

    /** The given models (comma-separated), or a tiny one trained now on the network's consented posts. */
    private List<Path> models(Database db) throws Exception {
        String given = System.getProperty("starling.bench.model");
        if (given != null) {
            return java.util.Arrays.stream(given.split(",")).map(String::strip).filter(x -> !x.isEmpty()).map(Path::of).toList();
        }
        long t0 = System.nanoTime();
        TrainingConfig config = TrainingConfig.preset("tiny").withData(512, 256, 4, 1).withStop(0, 60_000).withSeed(1);
        TrainingResult r = new TrainingJob(new DatabaseCorpus(db), config, dir.resolve("bench-tiny.gguf"), TrainingJob.Options.defaults()).run();
        TrainingResult.Completed done = switch (r) {
            case TrainingResult.Completed c -> c;
            default -> throw new AssertionError("training the tiny model failed: " + r);
        };
        System.out.printf("NO MODEL GIVEN (-Dstarling.bench.model): trained a tiny model (dim 64, 2 layers, 256-token context) on the"
                + " consented demo posts in %.0f s; its answers say little about a real demo model%n", (System.nanoTime() - t0) / 1e9);
        return List.of(done.model());
    }

    private static void ask(StarlingAi ai, Grounding grounding, Social social, List<Question> questions) {
        Map<String, int[]> byKind = new LinkedHashMap<>(); // answered, valid, grounded, noEvidence
        int valid = 0;
        int evidenceVisible = 0;
        int evidencePosts = 0;
        int grounded = 0;
        int noEvidence = 0;
        int cited = 0;
        int notAnswered = 0;
        int[] buckets = new int[11];
        List<Long> first = new ArrayList<>();
        List<Long> total = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        List<String> samples = new ArrayList<>();
        int modelAnswers = 0;
        int[] byFollow = new int[4]; // answers/grounded for followers of locked accounts, then for the others
        for (Question q : questions) {
            AnswerOutcome o = ai.ask().ask(q.askerId(), q.text(), AnswerListener.NONE);
            if (!(o instanceof AnswerOutcome.Answered answered)) {
                notAnswered++;
                System.out.println("not answered: '" + q.text() + "': " + o);
                continue;
            }
            Answer a = answered.answer();
            Grounding.Verdict v = grounding.judge(q.askerId(), a);
            // stronger than the citations: every post the model was given must be visible to the asker
            boolean allVisible = true;
            for (long id : a.evidencePostIds()) {
                evidencePosts++;
                if (social.posts().get(q.askerId(), id).isEmpty()) {
                    allVisible = false;
                    invalid.add("'" + q.text() + "' as " + q.askerId() + ": the model was given post " + id + ", which the asker may not see");
                }
            }
            if (allVisible) {
                evidenceVisible++;
            }
            int[] k = byKind.computeIfAbsent(q.kind(), x -> new int[4]);
            k[0]++;
            if (v.citationsValid()) {
                valid++;
                k[1]++;
            } else {
                invalid.add("'" + q.text() + "' as " + q.askerId() + ": " + v.problems());
            }
            if (v.noEvidence()) {
                noEvidence++;
                k[3]++;
            } else {
                modelAnswers++;
                buckets[(int) Math.floor(v.support() * 10)]++;
                if (!a.citations().isEmpty()) {
                    cited++;
                }
                byFollow[q.followsLocked() ? 0 : 2]++;
                if (v.grounded()) {
                    grounded++;
                    k[2]++;
                    byFollow[q.followsLocked() ? 1 : 3]++;
                }
            }
            if (a.modelId() != null) {
                first.add(a.firstTextMillis());
                total.add(a.totalMillis());
                if (samples.size() < Integer.getInteger("starling.bench.samples", 4)) {
                    samples.add(String.format("Q: %s%n   A: %s%n   citations %s, support %.2f %s of %s", q.text(), a.text(),
                            a.citedPostIds(), v.support(), v.supportedWords(), v.contentWords()));
                }
            }
        }
        int answered = questions.size() - notAnswered;
        System.out.printf("ASK over %d questions (%d answered, %d not): citations valid and visible in %d of %d (%.1f%%)%n",
                questions.size(), answered, notAnswered, valid, answered, pct(valid, answered));
        System.out.printf("  every post the model was given visible to the asker: %d of %d answers (%d posts given)%n", evidenceVisible,
                answered, evidencePosts);
        System.out.printf("  no evidence: %d of %d (%.1f%%); model answers: %d, of which cite >= 1 post: %d (%.1f%%)%n", noEvidence,
                answered, pct(noEvidence, answered), modelAnswers, cited, pct(cited, modelAnswers));
        System.out.printf("  GROUNDED (support >= %.1f, >= 1 valid citation): %d of %d model answers (%.1f%%); of all answered: %.1f%%%n",
                Grounding.GROUNDED_SUPPORT, grounded, modelAnswers, pct(grounded, modelAnswers), pct(grounded, answered));
        System.out.printf("  grounded, askers following a locked account: %d of %d; the others: %d of %d%n", byFollow[1], byFollow[0],
                byFollow[3], byFollow[2]);
        StringBuilder dist = new StringBuilder("  key-word support of model answers:");
        for (int i = 0; i <= 10; i++) {
            dist.append(i == 10 ? " [1.0]=" : String.format(" [%.1f,%.1f)=", i / 10.0, (i + 1) / 10.0)).append(buckets[i]);
        }
        System.out.println(dist);
        byKind.forEach((kind, k) -> System.out.printf("  %-14s %3d answered, %3d valid, %3d grounded, %3d no evidence%n", kind, k[0], k[1],
                k[2], k[3]));
        System.out.printf("  model answers: first text p50 %d ms p90 %d ms; total p50 %d ms p90 %d ms (load average %.1f)%n",
                pctl(first, 50), pctl(first, 90), pctl(total, 50), pctl(total, 90), load());
        samples.forEach(s -> System.out.println("  " + s));
        invalid.forEach(s -> System.out.println("  INVALID " + s));
        assertEquals(answered, evidenceVisible, "the model may only be given posts the asker may see: " + invalid);
        assertEquals(answered, valid, "every citation of every answer must be valid and visible to its asker: " + invalid);
        assertTrue(answered > 0, "no question was answered");
    }

    private static void assistantLatency(Social social, ModelRegistry registry, PostSearch search, long seed) throws Exception {
        AiBudget budget = new AiBudget(social.database(), AiBudget.Config.defaults().withDefaultLimits(new BudgetLimits(1000, 10_000_000)),
                Clock.systemUTC());
        BlockingQueue<MentionOutcome> outcomes = new ArrayBlockingQueue<>(100);
        List<Long> millis = new ArrayList<>();
        List<Long> publicAccounts = ids(social.database(), "SELECT id FROM accounts WHERE NOT locked AND NOT bot AND email LIKE '%"
                + DemoNetwork.EMAIL_DOMAIN + "' ORDER BY id");
        Random r = new Random(seed);
        String[] topics = {"#aurora", "the northern lights", "#swingbridge", "#coffee", "#cycling", "#gardening", "#books", "#hiking",
            "#music", "#birds"};
        int failed = 0;
        try (AssistantService assistant = AssistantService.create(social, registry, search, budget, Prompts.classpath(),
                AssistantConfig.defaults())) {
            assistant.onOutcome(outcomes::add);
            assistant.start();
            for (int i = 0; i < 20; i++) {
                long author = publicAccounts.get(r.nextInt(publicAccounts.size()));
                String text = "@" + assistant.account().username() + " what do people say about " + topics[i % topics.length] + "?";
                long t0 = System.nanoTime();
                Post mention = social.posts().create(author, NewPost.of(text)).orThrow();
                MentionOutcome o;
                do {
                    o = outcomes.poll(180, TimeUnit.SECONDS);
                    if (o == null) {
                        throw new AssertionError("no reply to mention " + mention.id() + " within 180 s: " + assistant.stats());
                    }
                } while (o.mentionPostId() != mention.id());
                long ms = (System.nanoTime() - t0) / 1_000_000;
                if (o instanceof MentionOutcome.Replied) {
                    millis.add(ms);
                } else {
                    failed++;
                    System.out.println("  mention " + mention.id() + ": " + o);
                }
            }
        }
        System.out.printf("ASSISTANT: 20 sequential mentions, %d replied; mention posted -> reply posted p50 %d ms p90 %d ms (poll interval %d ms;"
                + " load average %.1f)%n", millis.size(), pctl(millis, 50), pctl(millis, 90), AssistantConfig.defaults().pollIntervalMillis(), load());
        assertEquals(0, failed, "every mention should be replied to");
    }

    /** Questions from the demo network, askers alternating between followers of a locked account and the others. */
    static List<Question> questions(Database db, DemoSummary demo, Random r, int wanted) {
        List<Long> followLocked = ids(db, "SELECT DISTINCT f.follower_id FROM follows f JOIN accounts a ON a.id = f.followee_id WHERE a.locked"
                + " ORDER BY 1");
        List<Long> others = ids(db, "SELECT id FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM follows f JOIN accounts l ON l.id ="
                + " f.followee_id WHERE f.follower_id = a.id AND l.locked) AND email LIKE '%" + DemoNetwork.EMAIL_DOMAIN + "' ORDER BY 1");
        assertTrue(!followLocked.isEmpty() && !others.isEmpty(), "the demo network should have followers of locked accounts and others");
        List<String[]> texts = new ArrayList<>(); // kind, question
        for (DemoSummary.Event e : demo.events()) {
            texts.add(new String[] {"event", "What is happening with #" + e.tag() + "?"});
            texts.add(new String[] {"event", "Who saw the " + e.phrase() + "?"});
            texts.add(new String[] {"event", "Tell me about the " + e.phrase() + "."});
            texts.add(new String[] {"event", "#" + e.tag() + " news?"});
        }
        List<String> tags = strings(db, "SELECT t FROM (SELECT unnest(hashtags) AS t FROM posts WHERE visibility = 0 AND reblog_of_id IS NULL)"
                + " x GROUP BY t ORDER BY count(*) DESC, t LIMIT 15");
        for (String t : tags) {
            texts.add(new String[] {"hashtag", "What do people say about #" + t + "?"});
            texts.add(new String[] {"hashtag", "Any news on #" + t + "?"});
        }
        List<String> publicTexts = strings(db, "SELECT text FROM posts WHERE visibility = 0 AND reblog_of_id IS NULL ORDER BY id");
        List<String> lockedTexts = strings(db, "SELECT p.text FROM posts p JOIN accounts a ON a.id = p.author_id WHERE a.locked AND"
                + " p.visibility = 2 AND p.reblog_of_id IS NULL ORDER BY p.id");
        int fromLocked = Math.min(lockedTexts.size(), Math.max(10, (wanted - texts.size()) / 5));
        for (int i = 0; i < fromLocked; i++) {
            wordsQuestion(lockedTexts.get(r.nextInt(lockedTexts.size()))).ifPresent(q -> texts.add(new String[] {"locked-words", q}));
        }
        while (texts.size() < wanted) {
            wordsQuestion(publicTexts.get(r.nextInt(publicTexts.size()))).ifPresent(q -> texts.add(new String[] {"public-words", q}));
        }
        List<Question> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            boolean fl = i % 2 == 0;
            List<Long> pool = fl ? followLocked : others;
            out.add(new Question(texts.get(i)[0], texts.get(i)[1], pool.get(r.nextInt(pool.size())), fl));
        }
        System.out.printf("%d questions (%d askers follow a locked account, %d do not)%n", out.size(), followLocked.size(), others.size());
        return out;
    }

    private static final Set<String> QUESTION_STOP = Set.of("the", "and", "for", "with", "that", "this", "was", "are", "but", "have",
            "just", "you", "not", "all", "out", "from", "about", "what", "they", "has", "had", "its", "it's", "our", "your", "there");

    /** "What about w1 w2 w3?" from three content words of a post (hashtags, mentions and links left out). */
    static Optional<String> wordsQuestion(String text) {
        List<String> words = new ArrayList<>();
        for (String w : text.toLowerCase(java.util.Locale.ROOT).split("\\s+")) {
            String clean = w.replaceAll("^[^\\p{L}]+|[^\\p{L}]+$", "");
            if (clean.length() >= 4 && !w.startsWith("#") && !w.startsWith("@") && !w.contains("://") && !QUESTION_STOP.contains(clean)
                    && !words.contains(clean)) {
                words.add(clean);
            }
        }
        if (words.size() < 2) {
            return Optional.empty();
        }
        Collections.shuffle(words, new Random(text.hashCode()));
        return Optional.of("What about " + String.join(" ", words.subList(0, Math.min(3, words.size()))) + "?");
    }

    private static List<Long> ids(Database db, String sql) {
        return db.withConnection(c -> {
            List<Long> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        });
    }

    private static List<String> strings(Database db, String sql) {
        return db.withConnection(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    private static double pct(int n, int of) {
        return of == 0 ? 0 : 100.0 * n / of;
    }

    private static long pctl(List<Long> values, int p) {
        if (values.isEmpty()) {
            return -1;
        }
        long[] s = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static long cpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
    }
}
