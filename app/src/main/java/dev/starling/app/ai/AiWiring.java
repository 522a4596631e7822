package dev.starling.app.ai;

import dev.starling.ai.answers.AnswerSettings;
import dev.starling.ai.answers.CopyWeightSetting;
import dev.starling.ai.answers.StarlingAi;
import dev.starling.ai.assistant.AssistantConfig;
import dev.starling.ai.assistant.AssistantService;
import dev.starling.ai.budget.AiBudget;
import dev.starling.ai.prompts.Prompts;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.ai.registry.ModelSelections;
import dev.starling.ai.registry.OpenedModel;
import dev.starling.ai.training.BackgroundTraining;
import dev.starling.ai.training.DatabaseCorpus;
import dev.starling.ai.training.TrainingConfig;
import dev.starling.ai.training.TrainingJob;
import dev.starling.ai.training.TrainingResult;
import dev.starling.ai.trends.TrendsService;
import dev.starling.app.model.ModelServingOptions;
import dev.starling.search.SearchService;
import dev.starling.server.RouteModule;
import dev.starling.server.http.Json;
import dev.starling.server.http.RouteSupport;
import dev.starling.server.ai.AiRoutes;
import dev.starling.server.trends.TrendRoutes;
import dev.starling.server.web.WebFeature;
import dev.starling.server.web.admin.AdminPages;
import dev.starling.server.web.admin.TrainingRuns;
import dev.starling.server.web.ai.AiPages;
import dev.starling.server.web.ai.ExplorePages;
import dev.starling.social.Social;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AI of {@code starling serve}: the model registry (from {@code --model} / {@code --model-upstream}; with
 * {@code --demo} and no model, a small model trained in the background on the network's consented posts, served when
 * ready, its progress the features' "not ready" reason and in the log), the prompts ({@code --prompts-dir}), the
 * per-account budgets ({@code --ai-budget}), Ask/Explain/Summarize/Compose ({@link StarlingAi}) with their API, the
 * assistant account, trends and trend stories, and the web pages over them. Close it after the server stops.
 */
public final class AiWiring implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AiWiring.class);
    /** Where serve's own demo model is written (under the data directory). */
    public static final String DEMO_MODEL = "models/starling-demo.gguf";
    public static final String DEMO_MODEL_ID = "starling-demo";
    /** The prompts the features need; checked at start so a broken override fails fast. */
    public static final List<String> PROMPTS = List.of("ask", "explain", "summarize", "compose-complete", "compose-rewrite",
            "ask-compact", "explain-compact", "summarize-compact", "compose-complete-compact", "compose-rewrite-compact",
            "assistant", "assistant-compact", "trend-story");

    /**
     * @param dataDir      serve's data directory
     * @param demo         serve runs the demo (train a model when none is configured)
     * @param publicUrl    the URL clients reach the server at (links to this instance), or null
     * @param maxPostChars the post length limit
     * @param demoTraining how the demo model is trained (null: the {@code small} preset)
     * @param assistantHandle the assistant account's username (null: {@code starling})
     * @param copyWeight   copy-augmented decoding weight of in-process models for every AI feature, in [0, 1): written to
     *                     the stored setting at start ({@link CopyWeightSetting}, table {@code ai_copy_weight}), which the
     *                     admin page may change while serving and a later start without it keeps (null: the stored value,
     *                     else by model: 0.5 for models trained by Starling, 0 for others)
     */
    public record Config(Path dataDir, boolean demo, String publicUrl, int maxPostChars, TrainingConfig demoTraining,
            String assistantHandle, Double copyWeight) {
        public Config(Path dataDir, boolean demo, String publicUrl, int maxPostChars, TrainingConfig demoTraining) {
            this(dataDir, demo, publicUrl, maxPostChars, demoTraining, null, null);
        }

        public Config {
            if (copyWeight != null && !(copyWeight >= 0 && copyWeight < 1)) {
                throw new IllegalArgumentException("--copy-weight " + copyWeight + " is outside [0, 1)");
            }
        }
    }

    private final ModelRegistry registry;
    private final StarlingAi ai;
    private final AiBudget budget;
    private final TrendsService trends;
    private final AssistantService assistant;
    private final BackgroundTraining training;
    private final List<RouteModule> routes;
    private final List<WebFeature> webFeatures;

    private AiWiring(ModelRegistry registry, StarlingAi ai, AiBudget budget, TrendsService trends, AssistantService assistant,
            BackgroundTraining training, List<RouteModule> routes, List<WebFeature> webFeatures) {
        this.registry = registry;
        this.ai = ai;
        this.budget = budget;
        this.trends = trends;
        this.assistant = assistant;
        this.training = training;
        this.routes = routes;
        this.webFeatures = webFeatures;
    }

    /**
     * Builds and starts the AI parts.
     *
     * @throws IllegalArgumentException for a bad setting (prompts directory, a broken prompt file, budget spec)
     */
    public static AiWiring start(Social social, SearchService search, ModelServingOptions.Serving serving,
            ModelServingOptions options, Config config) {
        Prompts prompts = Prompts.withDirectory(options.promptsDir());
        List<String> problems = prompts.check(PROMPTS);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("bad prompt files: " + String.join("; ", problems));
        }
        AiBudget budget = new AiBudget(social.database(), AiBudget.Config.parse(options.aiBudget()), Clock.systemUTC());
        ModelRegistry registry = ModelRegistry.withDefaultOpener();
        BackgroundTraining training = null;
        TrendsService trends = null;
        AssistantService assistant = null;
        // trends start after the demo training does; once its model serves, the stories get their text at once
        java.util.concurrent.atomic.AtomicReference<TrendsService> trendsOnceStarted = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            Path demoModel = config.dataDir().resolve(DEMO_MODEL);
            if (serving.backend() != null) {
                registry.addOpened(serving.entry(), OpenedModel.of(serving.backend()), true);
                registry.assignAll(serving.entry().id());
                LOG.info("AI features are served by model {}", serving.entry().id());
            } else if (config.demo() && Files.isRegularFile(demoModel)) {
                registry.addFile(demoModel, DEMO_MODEL_ID);
                registry.assignAll(DEMO_MODEL_ID);
                LOG.info("AI features are served by the demo model trained earlier ({})", demoModel);
            } else if (config.demo()) {
                training = startDemoTraining(social, registry, demoModel,
                        config.demoTraining() == null ? TrainingConfig.preset("small") : config.demoTraining(), () -> {
                            TrendsService t = trendsOnceStarted.get();
                            if (t != null) {
                                t.refreshSoon();
                            }
                        });
            } else {
                registry.setStatus("no model is configured (start serve with --model FILE.gguf or --model-upstream URL)");
            }
            // a model an admin switched to earlier wins over the one named on the command line, as long as it still
            // exists (attach logs what it restores)
            ModelSelections.attach(registry, social.database());
            AnswerSettings settings = AnswerSettings.defaults().withMaxPostChars(config.maxPostChars())
                    .withInstanceHosts(hosts(config.publicUrl()));
            // the operator's copy weight: --copy-weight sets the stored value (the latest word when given); the admin page
            // changes it while serving; every feature reads it once per request
            CopyWeightSetting copyWeight = CopyWeightSetting.stored(social.database(), Clock.systemUTC());
            if (config.copyWeight() != null) {
                if (copyWeight.set(OptionalDouble.of(config.copyWeight()), "serve --copy-weight") instanceof CopyWeightSetting.Change.Rejected r) {
                    throw new IllegalArgumentException("--copy-weight: " + r.reason());
                }
            }
            LOG.info("copy weight: {}{}", copyWeight.value().describe(), copyWeight.value().changedBy() == null ? ""
                    : " (set by " + copyWeight.value().changedBy() + " at " + copyWeight.value().changedAt() + ")");
            StarlingAi ai = StarlingAi.create(social, search.search(), registry, prompts, settings, copyWeight);
            trends = TrendsService.start(social.database(), social.outbox(), registry, prompts, search.index().embedder(),
                    Clock.systemUTC(), TrendsService.Options.defaults(), copyWeight);
            trendsOnceStarted.set(trends);
            AssistantConfig assistantConfig = AssistantConfig.defaults();
            if (config.assistantHandle() != null) {
                assistantConfig = assistantConfig.withHandle(config.assistantHandle());
            }
            if (config.publicUrl() != null) {
                assistantConfig = assistantConfig.withInstanceBaseUrl(config.publicUrl());
            }
            assistant = AssistantService.create(social, registry, search.search(), budget, prompts, assistantConfig, copyWeight);
            assistant.start();
            RouteSupport support = new RouteSupport(Json.newMapper(), config.publicUrl());
            List<RouteModule> routes = List.of(new AiRoutes(support, social, ai, budget),
                    new TrendRoutes(support, social, trends.lists(), trends.stories(), trends.moderation()));
            TrainingRuns runs = training == null ? TrainingRuns.none()
                    : TrainingRuns.of("demo model", demoModel, training.job());
            List<WebFeature> web = List.of(new AiPages(ai, budget), new ExplorePages(trends.lists(), trends.stories()),
                    new AdminPages(registry, runs, trends.lists(), trends.stories(), trends.moderation(), copyWeight),
                    new dev.starling.server.web.ai.AssistantMarks(assistant));
            return new AiWiring(registry, ai, budget, trends, assistant, training, routes, web);
        } catch (RuntimeException | java.io.IOException e) {
            closeAll(assistant, trends, training, registry);
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Trains the demo model in the background; {@code onServing} runs once the features use it. */
    private static BackgroundTraining startDemoTraining(Social social, ModelRegistry registry, Path out, TrainingConfig trainingConfig,
                                                        Runnable onServing) {
        registry.setStatus("training: starting (the demo model is trained on this network's consented posts)");
        TrainingJob job = new TrainingJob(new DatabaseCorpus(social.database()), trainingConfig, out,
                TrainingJob.Options.defaults().withResume(TrainingJob.Resume.IF_PRESENT)
                        .withListener(p -> registry.setStatus(p.describe())));
        BackgroundTraining training = BackgroundTraining.start(job);
        training.result().whenComplete((r, failure) -> {
            if (failure != null) {
                registry.setStatus("training failed: " + failure.getMessage());
                return;
            }
            switch (r) {
                case TrainingResult.Completed c -> {
                    try {
                        registry.addFile(c.model(), DEMO_MODEL_ID);
                        ModelRegistry.SwitchOutcome s = registry.assignAllUnrecorded(DEMO_MODEL_ID);
                        LOG.info("the demo model is trained; AI features now use it ({})", s);
                        onServing.run(); // trend stories written now, not at the next 5-minute refresh
                    } catch (java.io.IOException | RuntimeException e) {
                        registry.setStatus("the trained model could not be loaded: " + e.getMessage());
                        LOG.error("the trained demo model could not be loaded", e);
                    }
                }
                case TrainingResult.Rejected x -> registry.setStatus("no model: training was rejected (" + x.reason() + ")");
                case TrainingResult.Cancelled x -> registry.setStatus("training was stopped at step " + x.step());
            }
        });
        LOG.info("no model configured: training the demo model in the background ({} wide, {} layers) into {}",
                trainingConfig.dim(), trainingConfig.layers(), out);
        return training;
    }

    /** The host of the public URL (links to it may stay in AI outputs); none when unknown. */
    static Set<String> hosts(String publicUrl) {
        if (publicUrl == null || publicUrl.isBlank()) {
            return Set.of();
        }
        try {
            String host = URI.create(publicUrl.strip()).getHost();
            return host == null ? Set.of() : Set.of(host.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Set.of();
        }
    }

    public ModelRegistry registry() {
        return registry;
    }

    public StarlingAi ai() {
        return ai;
    }

    public AiBudget budget() {
        return budget;
    }

    public TrendsService trends() {
        return trends;
    }

    public AssistantService assistant() {
        return assistant;
    }

    /** The AI API routes ({@code /api/v1/starling/...}, Mastodon's trends). */
    public List<RouteModule> routes() {
        return routes;
    }

    /** The web pages over the AI (ask/explain/summarize, explore, admin). */
    public List<WebFeature> webFeatures() {
        return webFeatures;
    }

    @Override
    public void close() {
        closeAll(assistant, trends, training, registry);
    }

    private static void closeAll(AutoCloseable... parts) {
        List<Exception> failures = new ArrayList<>();
        for (AutoCloseable p : parts) {
            if (p == null) {
                continue;
            }
            try {
                p.close();
            } catch (Exception e) {
                failures.add(e);
                LOG.warn("closing {} failed", p.getClass().getSimpleName(), e);
            }
        }
    }
}
