package dev.starling.app.e2e;

import dev.starling.app.search.SearchWiring;
import dev.starling.server.RouteModule;
import dev.starling.server.ServerOptions;
import dev.starling.server.Starling;
import dev.starling.server.ratelimit.RateLimits;
import dev.starling.social.Social;
import dev.starling.social.db.Database;
import dev.starling.social.demo.Corpus;
import dev.starling.social.demo.DemoNetwork;
import dev.starling.social.demo.DemoSummary;
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

/**
 * Starling in-process for the browser tests: a fresh {@link TestDatabase}, a small demo network
 * ({@link DemoNetwork}, seeded), the search index under a temporary data directory, and the server on
 * port 0 wired as {@code starling serve} wires it (social services with the post limit, search routes,
 * then {@link Starling#start}). Rate limits are the Mastodon defaults, as in serve.
 *
 * <p>{@code serve}'s wiring lives in {@code ServeCommand.call()}, which blocks until shutdown; until it is
 * extracted into a reusable start method, this class repeats its steps in the same order.
 */
final class E2eServer implements AutoCloseable {
    /** Seed of the demo network; the same seed gives the same accounts and posts. */
    static final long DEMO_SEED = 7;

    private final Database db;
    private final Path dataDir;
    private final SearchWiring search;
    private final Starling starling;
    private final DemoSummary demo;

    private E2eServer(Database db, Path dataDir, SearchWiring search, Starling starling, DemoSummary demo) {
        this.db = db;
        this.dataDir = dataDir;
        this.search = search;
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
        Starling starling;
        try {
            List<RouteModule> routes = new ArrayList<>();
            routes.add(search.routes());
            starling = Starling.start(social, options, routes);
        } catch (RuntimeException e) {
            search.close();
            db.close();
            throw e;
        }
        System.out.printf("e2e: Starling on port %d (demo: %d accounts, %d posts) ready in %d ms%n", starling.port(), demo.accounts(),
                demo.posts(), (System.nanoTime() - t0) / 1_000_000);
        return new E2eServer(db, dataDir, search, starling, demo);
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

    DemoSummary demo() {
        return demo;
    }

    @Override
    public void close() {
        try {
            starling.close();
        } finally {
            try {
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
