package dev.starling.app.e2e;

import dev.starling.ai.registry.ModelRegistry;
import dev.starling.ai.trends.TrendCounter;
import dev.starling.app.ai.AiWiring;
import dev.starling.app.model.ModelServingOptions;
import dev.starling.app.search.SearchWiring;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import dev.starling.server.RouteModule;
import dev.starling.server.ServerOptions;
import dev.starling.server.Starling;
import dev.starling.server.ratelimit.RateLimits;
import dev.starling.server.web.WebFeature;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * Starling in-process for the browser tests, wired as {@code starling serve --model FILE} wires it:
 * a fresh {@link TestDatabase} with a small seeded demo network ({@link DemoNetwork}), the model flags
 * parsed by serve's own {@link ModelServingOptions}, {@link SearchWiring} (index in a temporary data
 * directory), {@link AiWiring} (model registry, Ask/Explain/Summarize, budgets, trends and stories, the
 * assistant, their API routes and web pages), the search and settings pages, then
 * {@link Starling#start} on port 0 with the Mastodon default rate limits. The steps repeat
 * {@code ServeCommand.call()} in the same order (that method blocks until shutdown, so it cannot be
 * called here).
 *
 * <p>The model is a real model of our engine, tiny and with random weights ({@link SyntheticModel}, written
 * to the data directory): answers are real generations of nonsense text; the tests check the path a
 * person takes, not the wisdom of the answer. A burst of posts about {@link #BURST_TAG} is planted so that
 * Explore has a trend and a story; trends are counted and scored once at start instead of waiting for
 * the 5-minute schedule.
 */
final class E2eServer implements AutoCloseable {
    /** Seed of the demo network; the same seed gives the same accounts and posts. */
    static final long DEMO_SEED = 7;
    static final String MODEL_ID = "tiny-e2e";
    static final Shape MODEL_SHAPE = new Shape(MODEL_ID, "llama", 64, 2, 4, 2, 16, 128, 0, 4096, 10000f, 1e-5f, false, false, false, 0f);
    /** The hashtag of the burst planted at start, so that Explore has a trend and a story. */
    static final String BURST_TAG = "harbourfireworks";
    static final int BURST_ACCOUNTS = 7;

    private final Database db;
    private final Path dataDir;
    private final ModelServingOptions.Serving serving;
    private final SearchWiring search;
    private final AiWiring ai;
    private final Starling starling;
    private final DemoSummary demo;

    private E2eServer(Database db, Path dataDir, ModelServingOptions.Serving serving, SearchWiring search, AiWiring ai, Starling starling,
                      DemoSummary demo) {
        this.db = db;
        this.dataDir = dataDir;
        this.serving = serving;
        this.search = search;
        this.ai = ai;
        this.starling = starling;
        this.demo = demo;
    }

    static E2eServer start(String label) {
        long t0 = System.nanoTime();
        Database db = TestDatabase.fresh("e2e_" + label);
        List<AutoCloseable> opened = new ArrayList<>();
        opened.add(db);
        try {
            Path dataDir = Files.createTempDirectory("starling-e2e-");
            DemoSummary demo = DemoNetwork.build(db, DEMO_SEED, Corpus.defaultCorpus(),
                    new DemoNetwork.Options(40, 4, 3, Instant.now().truncatedTo(ChronoUnit.HOURS)));
            Path gguf = dataDir.resolve(MODEL_ID + ".gguf");
            SyntheticModel.write(MODEL_SHAPE, GgmlType.F32, null, DEMO_SEED, gguf);
            ModelServingOptions model = CommandLine.populateCommand(new ModelServingOptions(),
                    "--model", gguf.toString(), "--model-id", MODEL_ID, "--model-context", "4096");

            ServerOptions options = ServerOptions.defaults().withHost("127.0.0.1").withPort(0)
                    .withRateLimits(RateLimits.mastodonDefaults());
            ModelServingOptions.Serving serving = model.open();
            opened.addFirst(serving);
            Social social = Social.create(db, Social.Settings.defaults().withArgon2(TestDatabase.FAST_ARGON2)
                    .withMaxPostWeightedLength(options.maxPostChars()));
            SearchWiring search = SearchWiring.start(dataDir, social, null);
            opened.addFirst(search);
            plantBurst(social, demo);
            AiWiring ai = AiWiring.start(social, search.service(), serving, model,
                    new AiWiring.Config(dataDir, false, null, options.maxPostChars(), null));
            opened.addFirst(ai);
            List<RouteModule> routes = new ArrayList<>(serving.routes());
            routes.add(search.routes());
            routes.addAll(ai.routes());
            List<WebFeature> web = new ArrayList<>(List.of(new SearchPages(search.service().search()), new SettingsPages()));
            web.addAll(ai.webFeatures());
            Starling starling = Starling.start(social, options, routes, web);
            countAll(ai.trends().counter());
            ai.trends().runNow();
            System.out.printf("e2e: Starling on port %d (demo: %d accounts, %d posts) ready in %d ms%n", starling.port(), demo.accounts(),
                    demo.posts(), (System.nanoTime() - t0) / 1_000_000);
            return new E2eServer(db, dataDir, serving, search, ai, starling, demo);
        } catch (IOException | RuntimeException e) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
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

    ModelRegistry registry() {
        return ai.registry();
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
                ai.close();
                search.close();
                serving.close();
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
