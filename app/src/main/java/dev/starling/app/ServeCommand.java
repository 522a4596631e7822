package dev.starling.app;

import dev.starling.server.ServerOptions;
import dev.starling.server.Starling;
import dev.starling.server.ratelimit.RateLimits;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code starling serve}: the network over HTTP until interrupted (Ctrl-C / SIGTERM stop it gracefully). */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the Mastodon-compatible API (and build demo content with --demo).")
public final class ServeCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;

    @Mixin
    dev.starling.app.model.ModelServingOptions model;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (0: any free port). Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to listen on (0.0.0.0 for all). Default: ${DEFAULT-VALUE}")
    String host;

    @Option(names = "--public-url", paramLabel = "URL", description = "The URL clients reach this server at (for links); default: from each request's Host header")
    String publicUrl;

    @Option(names = "--demo", description = "Build the demo network on first start, when the database has no accounts yet")
    boolean demo;

    @Option(names = "--demo-seed", defaultValue = "42", description = "Seed of the demo network. Default: ${DEFAULT-VALUE}")
    long demoSeed;

    @Option(names = "--corpus", paramLabel = "FILE", description = "Post texts for the demo network: one post per line, or JSONL with a \"text\" field (default: the shipped corpus)")
    Path corpus;

    @Option(names = "--max-post-chars", defaultValue = "280", description = "Longest post (twitter-text weighted length). Default: ${DEFAULT-VALUE}")
    int maxPostChars;

    @Option(names = "--no-rate-limits", description = "Disable rate limits (benchmarks on loopback only)")
    boolean noRateLimits;

    @Option(names = "--demo-model-size", defaultValue = "small", paramLabel = "PRESET",
            description = "With --demo and no --model: the size of the model trained in the background (tiny, small, base). Default: ${DEFAULT-VALUE}")
    String demoModelPreset;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--copy-weight", paramLabel = "F",
            description = "Copy-augmented decoding for in-process models: the share of each next-token distribution that"
                    + " continues the quoted evidence posts in Ask, Explain, Summarize and assistant replies, 0 to below 1"
                    + "; stored at start, the admin page can change it while serving, and a start without this option keeps"
                    + " the stored value (none stored: 0.5 for models trained by Starling, 0 for other GGUFs; upstream models"
                    + " never copy)")
    Double copyWeight;

    @Option(names = "--assistant-handle", defaultValue = "starling", paramLabel = "USERNAME",
            description = "Username of the assistant account people mention to ask it in a thread. Default: ${DEFAULT-VALUE}")
    String assistantHandle;

    @Option(names = "--training-consent-default", defaultValue = "opt-in", paramLabel = "opt-in|opt-out",
            description = "Whether new accounts' public posts may train Starling's models until they choose: opt-in (not until they agree) "
                    + "or opt-out (yes until they refuse). Default: ${DEFAULT-VALUE}")
    String trainingConsentDefault;

    @Override
    public Integer call() throws Exception {
        boolean consentByDefault = switch (trainingConsentDefault) {
            case "opt-in" -> false;
            case "opt-out" -> true;
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--training-consent-default must be opt-in or opt-out, was '" + trainingConsentDefault + "'");
        };
        if (copyWeight != null && !(copyWeight >= 0 && copyWeight < 1)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--copy-weight must be at least 0 and below 1, was " + copyWeight);
        }
        System.err.println("starling: opening " + db.describe());
        DatabaseOptions.Opened opened = db.open();
        if (demo) Demo.buildIfEmpty(opened.database(), demoSeed, corpus, System.err);
        ServerOptions options = ServerOptions.defaults().withHost(host).withPort(port).withPublicBaseUrl(publicUrl)
                .withMaxPostChars(maxPostChars).withRateLimits(noRateLimits ? RateLimits.unlimited() : RateLimits.mastodonDefaults());
        Starling starling;
        dev.starling.app.search.SearchWiring search;
        dev.starling.app.ai.AiWiring ai;
        dev.starling.app.model.ModelServingOptions.Serving serving;
        try {
            serving = model.open();
        } catch (java.io.IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
        try {
            dev.starling.social.Social social = dev.starling.social.Social.create(opened.database(),
                    dev.starling.social.Social.Settings.defaults().withMaxPostWeightedLength(options.maxPostChars())
                            .withTrainingConsentDefault(consentByDefault));
            search = dev.starling.app.search.SearchWiring.start(db.dataDir, social, publicUrl);
            try {
                ai = dev.starling.app.ai.AiWiring.start(social, search.service(), serving, model,
                        new dev.starling.app.ai.AiWiring.Config(db.dataDir, demo, publicUrl, options.maxPostChars(),
                                dev.starling.ai.training.TrainingConfig.preset(demoModelPreset), assistantHandle, copyWeight));
                try {
                    List<dev.starling.server.RouteModule> routes = new java.util.ArrayList<>(serving.routes());
                    routes.add(search.routes());
                    routes.addAll(ai.routes());
                    List<dev.starling.server.web.WebFeature> web = new java.util.ArrayList<>(List.of(
                            new dev.starling.server.web.search.SearchPages(search.service().search()),
                            new dev.starling.server.web.settings.SettingsPages()));
                    web.addAll(ai.webFeatures());
                    starling = Starling.start(social, options, routes, web);
                } catch (RuntimeException e) {
                    ai.close();
                    throw e;
                }
            } catch (RuntimeException e) {
                search.close();
                throw e;
            }
        } catch (RuntimeException e) {
            serving.close();
            opened.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            System.err.println("starling: shutting down");
            try {
                starling.close();
            } finally {
                ai.close();
                search.close();
                serving.close();
                opened.close();
                stopped.countDown();
            }
        }, "starling-shutdown");
        if (opened.embedded() != null) {
            opened.embedded().stopAfter(hook); // PostgreSQL stops after everything that uses it
        }
        Runtime.getRuntime().addShutdownHook(hook);
        String shownHost = host.equals("0.0.0.0") || host.equals("127.0.0.1") ? "localhost" : host;
        System.out.println("Starling is serving " + (publicUrl != null ? publicUrl + "/" : "http://" + shownHost + ":" + starling.port() + "/"));
        System.out.flush();
        stopped.await();
        return 0;
    }
}
