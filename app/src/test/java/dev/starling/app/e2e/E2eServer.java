package dev.starling.app.e2e;

import dev.starling.ai.answers.AnswerSettings;
import dev.starling.ai.answers.StarlingAi;
import dev.starling.ai.budget.AiBudget;
import dev.starling.ai.prompts.Prompts;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.ai.trends.StoryWriter;
import dev.starling.ai.trends.TrendCounter;
import dev.starling.ai.trends.TrendLists;
import dev.starling.ai.trends.TrendModeration;
import dev.starling.ai.trends.TrendRefresh;
import dev.starling.ai.trends.TrendStories;
import dev.starling.app.search.SearchWiring;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import dev.starling.server.RouteModule;
import dev.starling.server.ServerOptions;
import dev.starling.server.Starling;
import dev.starling.server.ratelimit.RateLimits;
import dev.starling.server.web.WebFeature;
import dev.starling.server.web.admin.AdminPages;
import dev.starling.server.web.admin.TrainingRuns;
import dev.starling.server.web.ai.AiPages;
import dev.starling.server.web.ai.ExplorePages;
import dev.starling.server.web.search.SearchPages;
import dev.starling.server.web.settings.SettingsPages;
import dev.starling.social.Social;
import dev.starling.social.db.Database;
import dev.starling.social.demo.Corpus;
import dev.starling.social.demo.DemoNetwork;
import dev.starling.social.demo.DemoSummary;
import dev.starling.social.posts.NewPost;
import dev.starling.social.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Starling in-process for the browser tests: a fresh {@link TestDatabase}, a small demo network
 * ({@link DemoNetwork}, seeded), the search index under a temporary data directory, and the server on
 * port 0 wired as {@code starling serve} wires it (social services with the post limit, search routes,
 * the web app's search, Ask and settings pages, then {@link Starling#start}). Rate limits are the
 * Mastodon defaults, as in serve. The AI is served by a real model of our engine, tiny and with random
 * weights ({@link SyntheticModel}, written to the temporary data directory), so answers are real
 * generations of nonsense text: the tests check the path a person takes, not the wisdom of the answer.
 *
 * <p>{@code serve}'s wiring lives in {@code ServeCommand.call()}, which blocks until shutdown; until it is
 * extracted into a reusable start method, this class repeats its steps in the same order.
 */
final class E2eServer implements AutoCloseable {
    /** Seed of the demo network; the same seed gives the same accounts and posts. */
    static final long DEMO_SEED = 7;
    static final String MODEL_ID = "tiny-e2e";
    /** The hashtag of the burst planted at start, so that Explore has a trend and a story. */
    static final String BURST_TAG = "harbourfireworks";
    static final int BURST_ACCOUNTS = 7;
    static final Shape MODEL_SHAPE = new Shape(MODEL_ID, "llama", 64, 2, 4, 2, 16, 128, 0, 4096, 10000f, 1e-5f, false, false, false, 0f);

    private final Database db;
    private final Path dataDir;
    private final SearchWiring search;
    private final ModelRegistry registry;
    private final Starling starling;
    private final DemoSummary demo;

    private E2eServer(Database db, Path dataDir, SearchWiring search, ModelRegistry registry, Starling starling, DemoSummary demo) {
        this.db = db;
        this.dataDir = dataDir;
        this.search = search;
        this.registry = registry;
        this.starling = starling;
        this.demo = demo;
    }

    static E2eServer start(String label) {
        long t0 = System.nanoTime();
        Database db = TestDatabase.fresh("e2e_" + label);
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("starling-e2e-");
        } catch (IOException e) {
            db.close();
            throw new UncheckedIOException(e);
        }
        DemoSummary demo = DemoNetwork.build(db, DEMO_SEED, Corpus.defaultCorpus(),
                new DemoNetwork.Options(40, 4, 3, Instant.now().truncatedTo(ChronoUnit.HOURS)));
        ServerOptions options = ServerOptions.defaults().withHost("127.0.0.1").withPort(0)
                .withRateLimits(RateLimits.mastodonDefaults());
        Social social = Social.create(db, Social.Settings.defaults().withArgon2(TestDatabase.FAST_ARGON2)
                .withMaxPostWeightedLength(options.maxPostChars()));
        SearchWiring search = SearchWiring.start(dataDir, social, null);
        ModelRegistry registry = ModelRegistry.withDefaultOpener();
        Starling starling;
        try {
            Path gguf = dataDir.resolve(MODEL_ID + ".gguf");
            SyntheticModel.write(MODEL_SHAPE, GgmlType.F32, null, DEMO_SEED, gguf);
            registry.addFile(gguf, MODEL_ID);
            registry.assignAll(MODEL_ID);
            StarlingAi ai = StarlingAi.create(social, search.service().search(), registry, Prompts.classpath(),
                    AnswerSettings.defaults().withMaxTokens(40));
            AiBudget budget = new AiBudget(db, AiBudget.Config.defaults(), Clock.systemUTC());
            Clock clock = Clock.systemUTC();
            plantBurst(social, demo);
            countAll(new TrendCounter(db, social.outbox(), clock, TrendCounter.Options.defaults()));
            new TrendRefresh(db, clock, TrendRefresh.Settings.defaults()).refresh();
            TrendLists lists = new TrendLists(db, clock);
            TrendStories stories = new TrendStories(db, lists, null, new StoryWriter(registry, Prompts.classpath(),
                    new StoryWriter.Settings(24, 60_000, 200)), clock, TrendStories.Settings.defaults());
            stories.update();
            List<RouteModule> routes = new ArrayList<>();
            routes.add(search.routes());
            List<WebFeature> pages = List.of(new SearchPages(search.service().search()), new AiPages(ai, budget), new SettingsPages(),
                    new ExplorePages(lists, stories), new AdminPages(registry, TrainingRuns.none(), lists, stories, new TrendModeration(db)));
            starling = Starling.start(social, options, routes, pages);
        } catch (IOException | RuntimeException e) {
            registry.close();
            search.close();
            db.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        System.out.printf("e2e: Starling on port %d (demo: %d accounts, %d posts) ready in %d ms%n", starling.port(), demo.accounts(),
                demo.posts(), (System.nanoTime() - t0) / 1_000_000);
        return new E2eServer(db, dataDir, search, registry, starling, demo);
    }

    /**
     * Counts every event written so far. The outbox hands out an event only once every transaction that
     * was running when it was written has finished, so a fresh post may take a moment to arrive.
     */
    private static void countAll(TrendCounter counter) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        counter.catchUp();
        while (counter.lag() > 0) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("the trend counter is still " + counter.lag() + " events behind after 20 s");
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            counter.catchUp();
        }
    }

    /** {@link #BURST_ACCOUNTS} of the demo's most followed accounts post about {@link #BURST_TAG} now. */
    private static void plantBurst(Social social, DemoSummary demo) {
        String[] lines = {"The fireworks over the harbour tonight were unreal", "Best harbour fireworks in years, the whole bay lit up",
            "Watching the fireworks from the pier with half the town", "Those harbour fireworks made the boats look like lanterns",
            "The finale of the harbour fireworks shook the windows", "Ferry stopped mid-bay so everyone could watch the fireworks",
            "Smoke from the harbour fireworks is still drifting over the old town"};
        for (int i = 0; i < BURST_ACCOUNTS; i++) {
            long author = social.accounts().byUsername(demo.usernames().get(i)).orElseThrow().id();
            social.posts().create(author, NewPost.of(lines[i] + " #" + BURST_TAG)).orThrow();
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + starling.port();
    }

    Starling starling() {
        return starling;
    }

    Social social() {
        return starling.social();
    }

    SearchWiring search() {
        return search;
    }

    ModelRegistry registry() {
        return registry;
    }

    DemoSummary demo() {
        return demo;
    }

    @Override
    public void close() {
        try {
            starling.close();
        } finally {
            try {
                registry.close();
                search.close();
            } finally {
                db.close();
                deleteTree(dataDir);
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("e2e: could not delete " + dir + ": " + e.getMessage());
        }
    }
}
