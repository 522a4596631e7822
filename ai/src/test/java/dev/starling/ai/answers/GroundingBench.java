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
import java.util.List;
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
 * account and accounts that follow none. Each question knows what it is about ({@link Relevance.Topic}: the event's
 * hashtag or phrase, the hashtag, or two of the three words taken from a post), so the posts that answer it are known.
 * Each is asked through {@link StarlingAi} as its asker and judged by {@link Grounding} and {@link Relevance} as that
 * asker. Prints ({@link GroundingTally}) the valid-and-visible share (asserted to be 100%), the share citing, the
 * grounded share, the relevant share (grounded in cited posts on the question's topic), the mean citation precision,
 * how often retrieval gave the model a post on the topic, the no-evidence share, the distribution of key-word support,
 * time to first text and total time p50/p90, once per copy weight ({@code -Dstarling.bench.copyWeight=0,0.5,0.8}:
 * copy-augmented decoding, {@code ai.backend.CopyMixture}; default: the settings' choice by model); and after each, the
 * assistant with the same copy weight ({@code -Dstarling.bench.assistant=false} skips it): mentions generated like the
 * questions ({@code -Dstarling.bench.mentions}, default 30), scored with the same columns, and mention posted to reply
 * posted p50/p90. A line starting {@code TABLE} per run is a row for the note.
 */
class GroundingBench {

    @TempDir
    Path dir;

    /** A question, its asker, and what it is about (the posts that answer it: {@link Relevance.Topic}). */
    record Question(String kind, String text, long askerId, boolean followsLocked, Relevance.Topic topic) {
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
                for (OptionalDouble weight : copyWeights()) {
                    AnswerSettings settings = AnswerSettings.defaults().withSampling(0.7, java.util.OptionalLong.of(seed));
                    settings = weight.isPresent() ? settings.withCopyWeight(weight.getAsDouble()) : settings;
                    StarlingAi ai = StarlingAi.create(social, search, registry, Prompts.classpath(), settings);
                    System.out.printf("%ncopy weight %s (copy-augmented decoding from the evidence posts; ai.backend.CopyMixture)%n",
                            weight.isPresent() ? weight.getAsDouble() : "by model: " + settings.copyWeightFor(registry.snapshot().models()
                                    .stream().filter(m -> m.entry().id().equals(id)).findFirst().orElseThrow().entry()));
                    long askCpu = cpuNanos();
                    long askWall = System.nanoTime();
                    ask(ai, new Relevance(social), social, questions, "Ask " + id + " w=" + (weight.isPresent() ? weight.getAsDouble() : "model"));
                    System.out.printf("  asking took %.1f s wall, %.1f s process CPU (load average %.1f)%n",
                            (System.nanoTime() - askWall) / 1e9, (cpuNanos() - askCpu) / 1e9, load());
                    if (!"false".equals(System.getProperty("starling.bench.assistant"))) {
                        assistant(social, registry, search, seed, weight, questions, "Assistant " + id + " w="
                                + (weight.isPresent() ? weight.getAsDouble() : "model"));
                    }
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

    private static void ask(StarlingAi ai, Relevance relevance, Social social, List<Question> questions, String label) {
        GroundingTally tally = new GroundingTally("ASK (" + label + ")");
        int evidenceVisible = 0;
        int evidencePosts = 0;
        for (Question q : questions) {
            AnswerOutcome o = ai.ask().ask(q.askerId(), q.text(), AnswerListener.NONE);
            if (!(o instanceof AnswerOutcome.Answered answered)) {
                tally.notAnswered++;
                System.out.println("not answered: '" + q.text() + "': " + o);
                continue;
            }
            Answer a = answered.answer();
            Relevance.Verdict v = relevance.judge(q.askerId(), a, q.topic());
            // stronger than the citations: every post the model was given must be visible to the asker
            boolean allVisible = true;
            boolean onTopic = false;
            for (long id : a.evidencePostIds()) {
                evidencePosts++;
                Optional<Post> p = social.posts().get(q.askerId(), id);
                if (p.isEmpty()) {
                    allVisible = false;
                    tally.invalid.add("'" + q.text() + "' as " + q.askerId() + ": the model was given post " + id + ", which the asker may not see");
                } else if (q.topic().matches(Grounding.textOf(p.get()))) {
                    onTopic = true;
                }
            }
            if (allVisible) {
                evidenceVisible++;
            }
            if (!v.grounding().citationsValid()) {
                tally.invalid.add("'" + q.text() + "' as " + q.askerId() + ": " + v.grounding().problems());
            }
            tally.add(q.kind(), v, !a.citations().isEmpty(), onTopic);
            if (a.modelId() != null) {
                tally.firstMillis.add(a.firstTextMillis());
                tally.totalMillis.add(a.totalMillis());
                if (tally.samples.size() < Integer.getInteger("starling.bench.samples", 4)) {
                    tally.samples.add(sample(q, a.text(), a.citedPostIds(), v));
                }
            }
        }
        tally.print();
        System.out.printf("  every post the model was given visible to the asker: %d of %d answers (%d posts given)%n", evidenceVisible,
                tally.answered(), evidencePosts);
        assertEquals(tally.answered(), evidenceVisible, "the model may only be given posts the asker may see: " + tally.invalid);
        assertEquals(tally.answered(), tally.valid(), "every citation of every answer must be valid and visible to its asker: " + tally.invalid);
        assertTrue(tally.answered() > 0, "no question was answered");
    }

    private static String sample(Question q, String text, List<Long> cited, Relevance.Verdict v) {
        return String.format("Q: %s (topic %s)%n   A: %s%n   cited %s, support %.2f %s of %s; relevant: %s (on-topic cited %d, support from"
                + " them %.2f, beyond the topic's words %s)", q.text(), q.topic(), text, cited, v.grounding().support(),
                v.grounding().supportedWords(), v.grounding().contentWords(), v.relevant(), v.relevantCitedPosts(), v.relevantSupportShare(),
                v.newWords());
    }

    /**
     * The assistant, scored like Ask: mentions ({@code -Dstarling.bench.mentions}, default 30) generated like the questions
     * ({@code "@starling " + question}, posted publicly by the question's asker), one after the other. A reply is judged
     * against every post the assistant was given (the thread and related posts, from its ledger), read again as the
     * mentioner: those must all be visible to the mentioner, the reply's words must be found in them (grounded) and in
     * those on the question's topic (relevant). The assistant's prompt does not ask for citations; the {@code [n]} markers
     * its model writes anyway (copying carries them) become links to the quoted posts, and its "cites" column counts
     * replies with such a link (each must be to a post it was given). Also the latency, mention posted to reply posted.
     */
    private static void assistant(Social social, ModelRegistry registry, PostSearch search, long seed, OptionalDouble weight,
            List<Question> questions, String label) throws Exception {
        AiBudget budget = new AiBudget(social.database(), AiBudget.Config.defaults().withDefaultLimits(new BudgetLimits(1000, 10_000_000)),
                Clock.systemUTC());
        BlockingQueue<MentionOutcome> outcomes = new ArrayBlockingQueue<>(100);
        int mentions = Math.min(questions.size(), Integer.getInteger("starling.bench.mentions", 30));
        GroundingTally tally = new GroundingTally("ASSISTANT (" + label + ")");
        Relevance relevance = new Relevance(social);
        int failed = 0;
        // an instance URL, so that the reply's [n] markers become links to the quoted posts (as on a served instance)
        AssistantConfig config = AssistantConfig.defaults().withInstanceBaseUrl(BENCH_URL);
        config = weight.isPresent() ? config.withCopyWeight(weight.getAsDouble()) : config;
        try (AssistantService assistant = AssistantService.create(social, registry, search, budget, Prompts.classpath(), config)) {
            assistant.onOutcome(outcomes::add);
            assistant.start();
            for (int i = 0; i < mentions; i++) {
                Question q = questions.get((int) ((long) i * questions.size() / mentions));
                String text = "@" + assistant.account().username() + " " + q.text();
                long t0 = System.nanoTime();
                Post mention = social.posts().create(q.askerId(), NewPost.of(text)).orThrow();
                MentionOutcome o;
                do {
                    o = outcomes.poll(180, TimeUnit.SECONDS);
                    if (o == null) {
                        throw new AssertionError("no reply to mention " + mention.id() + " within 180 s: " + assistant.stats());
                    }
                } while (o.mentionPostId() != mention.id());
                long ms = (System.nanoTime() - t0) / 1_000_000;
                if (!(o instanceof MentionOutcome.Replied replied)) {
                    // a model that writes nothing usable is a measured outcome (counted as not answered), not a failure
                    failed++;
                    tally.notAnswered++;
                    if (failed <= 3) {
                        System.out.println("  mention " + mention.id() + " not replied to: " + o);
                    }
                    continue;
                }
                tally.totalMillis.add(ms);
                judgeReply(social, relevance, tally, q, mention, replied);
            }
        }
        tally.print();
        System.out.printf("  (assistant: total = mention posted -> reply posted, including the outbox poll interval of %d ms)%n",
                AssistantConfig.defaults().pollIntervalMillis());
        System.out.printf("  mentions without a reply: %d of %d%n", failed, mentions);
        assertEquals(List.of(), tally.hidden, "every post the assistant was given must be visible to the mentioner");
    }

    private static final java.util.regex.Pattern MENTION = java.util.regex.Pattern.compile("(?<![\\p{L}\\p{N}_])@[A-Za-z0-9_]+(?:@[A-Za-z0-9.-]+)?");
    static final String BENCH_URL = "https://starling.bench";
    /** A link to a post of this instance, as the assistant's replies carry them in place of [n]. */
    private static final java.util.regex.Pattern POST_LINK = java.util.regex.Pattern.compile(
            java.util.regex.Pattern.quote(BENCH_URL) + "/@[A-Za-z0-9_]+/(\\d{1,19})");

    /** One reply as an {@link Answer} citing every post it was given, judged as the mentioner. */
    private static void judgeReply(Social social, Relevance relevance, GroundingTally tally, Question q, Post mention,
            MentionOutcome.Replied replied) {
        List<Long> given = new ArrayList<>();
        for (long id : longArray(social.database(), "SELECT retrieved_post_ids FROM assistant_mentions WHERE mention_post_id = "
                + mention.id())) {
            if (id != mention.id()) {
                given.add(id); // in the order quoted: the thread, then related posts ([1], [2], ...)
            }
        }
        // the reply's prose (its links to quoted posts and its @mentioner prefix left out), and the posts it links
        StringBuilder text = new StringBuilder();
        List<Long> linked = new ArrayList<>();
        for (long id : replied.replyPostIds()) {
            Post p = social.posts().get(q.askerId(), id).orElseThrow(() -> new AssertionError("the mentioner cannot see the reply " + id));
            java.util.regex.Matcher m = POST_LINK.matcher(p.text());
            while (m.find()) {
                linked.add(Long.parseLong(m.group(1)));
            }
            text.append(MENTION.matcher(POST_LINK.matcher(p.text()).replaceAll(" ")).replaceAll(" ")).append(' ');
        }
        List<Citation> citations = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            citations.add(new Citation(i + 1, given.get(i), "?"));
        }
        Answer a = new Answer(dev.starling.ai.registry.Feature.ASK, text.toString().strip(), citations, given, replied.model(), null, "stop",
                new dev.starling.ai.backend.Usage(0, 0), -1, -1);
        Relevance.Verdict v = relevance.judge(q.askerId(), a, q.topic());
        boolean onTopic = false;
        for (long id : given) {
            Optional<Post> p = social.posts().get(q.askerId(), id);
            onTopic |= p.isPresent() && q.topic().matches(Grounding.textOf(p.get()));
            if (p.isEmpty()) {
                tally.hidden.add("mention '" + q.text() + "' by " + q.askerId() + ": the assistant was given post " + id
                        + ", which the mentioner may not see");
            }
        }
        if (!v.grounding().citationsValid()) {
            tally.invalid.add("mention '" + q.text() + "' by " + q.askerId() + ": " + v.grounding().problems());
        }
        for (long id : linked) {
            if (!given.contains(id)) {
                tally.hidden.add("mention '" + q.text() + "' by " + q.askerId() + ": the reply links post " + id + ", which it was not given");
            }
        }
        tally.add(q.kind(), v, !linked.isEmpty(), onTopic);
        if (tally.samples.size() < Integer.getInteger("starling.bench.samples", 4)) {
            tally.samples.add(sample(q, a.text(), given, v));
        }
    }

    private static List<Long> longArray(Database db, String sql) {
        return db.withConnection(c -> {
            List<Long> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    for (Long id : (Long[]) rs.getArray(1).getArray()) {
                        out.add(id);
                    }
                }
            }
            return out;
        });
    }

    /** Questions from the demo network, askers alternating between followers of a locked account and the others. */
    static List<Question> questions(Database db, DemoSummary demo, Random r, int wanted) {
        List<Long> followLocked = ids(db, "SELECT DISTINCT f.follower_id FROM follows f JOIN accounts a ON a.id = f.followee_id WHERE a.locked"
                + " ORDER BY 1");
        List<Long> others = ids(db, "SELECT id FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM follows f JOIN accounts l ON l.id ="
                + " f.followee_id WHERE f.follower_id = a.id AND l.locked) AND email LIKE '%" + DemoNetwork.EMAIL_DOMAIN + "' ORDER BY 1");
        assertTrue(!followLocked.isEmpty() && !others.isEmpty(), "the demo network should have followers of locked accounts and others");
        record Text(String kind, String question, Relevance.Topic topic) {
        }
        List<Text> texts = new ArrayList<>();
        for (DemoSummary.Event e : demo.events()) {
            // the planted event's posts: its hashtag, or its phrase (two thirds of the phrase's words)
            Relevance.Topic words = Relevance.Topic.words(Grounding.contentWords(e.phrase()));
            Relevance.Topic event = new Relevance.Topic(Set.of(e.tag().toLowerCase(java.util.Locale.ROOT)), words.words(), words.minWords());
            texts.add(new Text("event", "What is happening with #" + e.tag() + "?", event));
            texts.add(new Text("event", "Who saw the " + e.phrase() + "?", event));
            texts.add(new Text("event", "Tell me about the " + e.phrase() + ".", event));
            texts.add(new Text("event", "#" + e.tag() + " news?", event));
        }
        List<String> tags = strings(db, "SELECT t FROM (SELECT unnest(hashtags) AS t FROM posts WHERE visibility = 0 AND reblog_of_id IS NULL)"
                + " x GROUP BY t ORDER BY count(*) DESC, t LIMIT 15");
        for (String t : tags) {
            texts.add(new Text("hashtag", "What do people say about #" + t + "?", Relevance.Topic.hashtag(t)));
            texts.add(new Text("hashtag", "Any news on #" + t + "?", Relevance.Topic.hashtag(t)));
        }
        List<String> publicTexts = strings(db, "SELECT text FROM posts WHERE visibility = 0 AND reblog_of_id IS NULL ORDER BY id");
        List<String> lockedTexts = strings(db, "SELECT p.text FROM posts p JOIN accounts a ON a.id = p.author_id WHERE a.locked AND"
                + " p.visibility = 2 AND p.reblog_of_id IS NULL ORDER BY p.id");
        int fromLocked = Math.min(lockedTexts.size(), Math.max(10, (wanted - texts.size()) / 5));
        for (int i = 0; i < fromLocked; i++) {
            wordsQuestion(lockedTexts.get(r.nextInt(lockedTexts.size()))).ifPresent(q -> texts.add(new Text("locked-words", q, topic(q))));
        }
        while (texts.size() < wanted) {
            wordsQuestion(publicTexts.get(r.nextInt(publicTexts.size()))).ifPresent(q -> texts.add(new Text("public-words", q, topic(q))));
        }
        List<Question> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            boolean fl = i % 2 == 0;
            List<Long> pool = fl ? followLocked : others;
            out.add(new Question(texts.get(i).kind(), texts.get(i).question(), pool.get(r.nextInt(pool.size())), fl, texts.get(i).topic()));
        }
        System.out.printf("%d questions (%d askers follow a locked account, %d do not)%n", out.size(), followLocked.size(), others.size());
        return out;
    }

    /** A words question's topic: the posts with two of its three words (the post it was made from has all three). */
    private static Relevance.Topic topic(String question) {
        return Relevance.Topic.ofQuestion(question).orElseThrow(() -> new AssertionError("no key words in '" + question + "'"));
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

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static long cpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
    }
}
