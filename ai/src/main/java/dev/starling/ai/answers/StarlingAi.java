package dev.starling.ai.answers;

import dev.starling.ai.prompts.Prompts;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.search.PostSearch;
import dev.starling.social.Social;

/**
 * The AI features over one network: {@link #ask()}, {@link #explain()}, {@link #summarize()}, {@link #compose()}, with
 * the {@link ModelRegistry} that serves them and the {@link Prompts} they render. Every output
 * ({@link Answer}) names its model, its prompt (name, version, hash) and the posts it cites.
 *
 * <pre>{@code
 * StarlingAi ai = StarlingAi.create(social, postSearch, registry, Prompts.classpath(), AnswerSettings.defaults());
 * switch (ai.ask().ask(viewerId, "what do people say about the new bridge?", text -> stream(text))) {
 *     case AnswerOutcome.Answered a -> done(a.answer().citations(), a.answer().modelId(), a.answer().prompt());
 *     case AnswerOutcome.NotReady n -> status503(n.reason());
 *     default -> ...
 * }
 * }</pre>
 */
public final class StarlingAi {

    private final ModelRegistry registry;
    private final Prompts prompts;
    private final AnswerSettings settings;
    private final Ask ask;
    private final Explain explain;
    private final Summarize summarize;
    private final Compose compose;
    private final CopyWeightSetting copyWeight;

    private StarlingAi(ModelRegistry registry, Prompts prompts, AnswerSettings settings, Evidence evidence, CopyWeightSetting copyWeight) {
        this.registry = registry;
        this.prompts = prompts;
        this.settings = settings;
        this.copyWeight = copyWeight;
        Generation g = new Generation(registry, prompts, settings, copyWeight);
        this.ask = new Ask(g, evidence);
        this.explain = new Explain(g, evidence);
        this.summarize = new Summarize(g, evidence);
        this.compose = new Compose(g);
    }

    /** The features with the copy weight fixed at {@code settings.copyWeight()} (empty: by model). */
    public static StarlingAi create(Social social, PostSearch search, ModelRegistry registry, Prompts prompts,
            AnswerSettings settings) {
        return create(social, search, registry, prompts, settings, CopyWeightSetting.inMemory(settings.copyWeight()));
    }

    /**
     * The features with the operator's copy weight {@code copyWeight}, read at the start of each request (it replaces
     * {@code settings.copyWeight()}; the rule by model still applies when it is empty).
     */
    public static StarlingAi create(Social social, PostSearch search, ModelRegistry registry, Prompts prompts,
            AnswerSettings settings, CopyWeightSetting copyWeight) {
        return new StarlingAi(registry, prompts, settings, new Evidence(social, search), java.util.Objects.requireNonNull(copyWeight,
                "copyWeight"));
    }

    /** The operator's copy weight these features read per request. */
    public CopyWeightSetting copyWeight() {
        return copyWeight;
    }

    public ModelRegistry registry() {
        return registry;
    }

    public Prompts prompts() {
        return prompts;
    }

    public AnswerSettings settings() {
        return settings;
    }

    public Ask ask() {
        return ask;
    }

    public Explain explain() {
        return explain;
    }

    public Summarize summarize() {
        return summarize;
    }

    public Compose compose() {
        return compose;
    }
}
