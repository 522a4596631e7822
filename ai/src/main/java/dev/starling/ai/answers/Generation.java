package dev.starling.ai.answers;

import dev.starling.ai.backend.BackendError;
import dev.starling.ai.backend.BackendResult;
import dev.starling.ai.backend.ChatRequest;
import dev.starling.ai.backend.Completion;
import dev.starling.ai.backend.DeltaListener;
import dev.starling.ai.backend.SamplingParams;
import dev.starling.ai.backend.Usage;
import dev.starling.ai.chat.ChatMessage;
import dev.starling.ai.prompts.PromptBindings;
import dev.starling.ai.prompts.PromptException;
import dev.starling.ai.prompts.PromptTemplate;
import dev.starling.ai.prompts.Prompts;
import dev.starling.ai.prompts.QuotedPost;
import dev.starling.ai.registry.Feature;
import dev.starling.ai.registry.ModelLease;
import dev.starling.ai.registry.ModelRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The part every feature shares: take the feature's model (a lease: a switch meanwhile does not affect this request),
 * render its prompt with the quoted posts cut to fit the model's context, generate within the token and time limits,
 * pass the text through {@link OutputFilter} to the listener, and resolve the citations.
 */
final class Generation {

    /** The short variant of a prompt, tried when the prompt does not fit a model's context: {@code ask-compact}. */
    static final String COMPACT_SUFFIX = "-compact";
    /** Posts a prompt keeps, when the job has that many, before their texts are cut below {@link #KEEP_POSTS_CHARS}. */
    static final int KEEP_POSTS = 3;
    /** How short texts are cut before posts are dropped below {@link #KEEP_POSTS}. */
    static final int KEEP_POSTS_CHARS = 100;

    /** The feature's request, ready to generate. */
    record Job(Feature feature, String promptName, List<QuotedPost> posts, int minPosts,
            Function<List<QuotedPost>, PromptBindings> bindings, int maxTokens, UnaryOperator<String> finalText) {
    }

    private final ModelRegistry registry;
    private final Prompts prompts;
    private final AnswerSettings settings;
    private final CopyWeightSetting copyWeight;

    /** @param copyWeight the operator's copy weight, read once per request (empty: {@code settings}' rule by model) */
    Generation(ModelRegistry registry, Prompts prompts, AnswerSettings settings, CopyWeightSetting copyWeight) {
        this.registry = registry;
        this.prompts = prompts;
        this.settings = settings;
        this.copyWeight = copyWeight;
    }

    AnswerSettings settings() {
        return settings;
    }

    /** The answer that says no evidence was found, without calling a model. */
    Answer noEvidence(Feature feature, String text, long startNanos, AnswerListener listener) {
        listener.onText(text);
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        return new Answer(feature, text, List.of(), List.of(), null, null, Answer.NO_EVIDENCE, new Usage(0, 0), ms, ms);
    }

    /** Whether a model serves {@code feature} now (checked before any retrieval work). */
    AnswerOutcome.NotReady notReady(Feature feature) {
        switch (registry.acquire(feature)) {
            case ModelRegistry.Acquired.Ready r -> {
                r.lease().close();
                return null;
            }
            case ModelRegistry.Acquired.NotReady n -> {
                return new AnswerOutcome.NotReady(n.reason());
            }
        }
    }

    AnswerOutcome run(Job job, AnswerListener listener, long startNanos) {
        ModelLease lease;
        switch (registry.acquire(job.feature())) {
            case ModelRegistry.Acquired.NotReady n -> {
                return new AnswerOutcome.NotReady(n.reason());
            }
            case ModelRegistry.Acquired.Ready r -> lease = r.lease();
        }
        try (lease) {
            PromptTemplate template;
            try {
                template = prompts.get(job.promptName());
            } catch (PromptException e) {
                return new AnswerOutcome.Failed(new BackendError(BackendError.Kind.INTERNAL, e.getMessage(), null));
            }
            int context = lease.entry().contextTokens();
            int maxTokens = Math.max(1, Math.min(job.maxTokens(), context / 4));
            Fitted fitted;
            try {
                fitted = fit(template, job, lease, maxTokens);
                if (fitted == null) {
                    // a small model (the demo model has 512 tokens): the short variant of the prompt, when there is one
                    PromptTemplate compact = compact(job.promptName());
                    fitted = compact == null ? null : fit(compact, job, lease, maxTokens);
                }
            } catch (IllegalArgumentException e) {
                return new AnswerOutcome.Failed(new BackendError(BackendError.Kind.INTERNAL, e.getMessage(), null));
            }
            if (fitted == null) {
                return new AnswerOutcome.Failed(new BackendError(BackendError.Kind.CONTEXT_LENGTH_EXCEEDED, "the prompt "
                        + job.promptName() + " does not fit model " + lease.modelId() + "'s context of " + context
                        + " tokens even with its posts cut short", null));
            }
            return generate(job, lease, fitted.template(), fitted.messages(), fitted.posts(), maxTokens, listener, startNanos);
        }
    }

    /** A prompt rendered to fit, with the posts it quotes. */
    private record Fitted(PromptTemplate template, List<ChatMessage> messages, List<QuotedPost> posts) {
    }

    /** The prompt {@code <name>-compact}, or null when there is none. */
    private PromptTemplate compact(String name) {
        try {
            return prompts.get(name + COMPACT_SUFFIX);
        } catch (PromptException e) {
            return null;
        }
    }

    /**
     * Renders the prompt, dropping posts from the end down to {@link #KEEP_POSTS}, then cutting their texts down to
     * {@link #KEEP_POSTS_CHARS} characters (several short posts give an answer more to choose from than one whole post),
     * then dropping posts down to the job's minimum and cutting texts down to 40 characters, until prompt and answer
     * fit the model's context; null when they never do. {@code ai.training.GroundedExamples} fits its training prompts
     * the same way.
     */
    private Fitted fit(PromptTemplate template, Job job, ModelLease lease, int maxTokens) {
        int context = lease.entry().contextTokens();
        List<QuotedPost> posts = new ArrayList<>(job.posts());
        int chars = settings.quotedPostChars();
        while (true) {
            int n = posts.size();
            int c = chars;
            List<QuotedPost> cut = posts.stream().map(p -> p.truncated(charsFor(p, n, c))).toList();
            List<ChatMessage> messages = template.render(job.bindings().apply(cut));
            if (lease.promptTokens(messages) + maxTokens <= context) {
                return new Fitted(template, messages, cut);
            }
            if (posts.size() > Math.max(job.minPosts(), KEEP_POSTS)) {
                posts.removeLast();
            } else if (chars > KEEP_POSTS_CHARS) {
                chars = Math.max(KEEP_POSTS_CHARS, chars / 2);
            } else if (posts.size() > job.minPosts()) {
                posts.removeLast();
            } else if (chars > 40) {
                chars = Math.max(40, chars / 2);
            } else {
                return null;
            }
        }
    }

    /** Post [1] of an explanation keeps more of its text than the rest. */
    private static int charsFor(QuotedPost p, int n, int chars) {
        return p.number() == 1 && n > 1 ? Math.max(chars, Math.min(1000, 2 * chars)) : chars;
    }

    private AnswerOutcome generate(Job job, ModelLease lease, PromptTemplate template, List<ChatMessage> messages,
            List<QuotedPost> posts, int maxTokens, AnswerListener listener, long startNanos) {
        OutputFilter filter = new OutputFilter(posts.size(), settings.instanceHosts());
        long deadline = System.nanoTime() + settings.timeoutMillis() * 1_000_000;
        long[] firstText = {-1};
        boolean[] timedOut = {false};
        boolean[] cancelled = {false};
        DeltaListener deltas = new DeltaListener() {
            @Override
            public void onDelta(String text) {
                String out = filter.push(text);
                if (!out.isEmpty()) {
                    if (firstText[0] < 0) {
                        firstText[0] = (System.nanoTime() - startNanos) / 1_000_000;
                    }
                    listener.onText(out);
                }
            }

            @Override
            public boolean cancelled() {
                if (System.nanoTime() > deadline) {
                    timedOut[0] = true;
                }
                if (listener.cancelled()) {
                    cancelled[0] = true;
                }
                return timedOut[0] || cancelled[0];
            }
        };
        SamplingParams sampling = new SamplingParams(settings.temperature(), 0.9, 0, 0.05, 1.1, 0, 0, settings.seed(),
                maxTokens, List.of());
        // copy-augmented decoding: only from the posts quoted in this prompt (the evidence the asker may see)
        // the operator's weight now (a change applies from the next request; this one keeps what it read here)
        double copyWeight = posts.isEmpty() || job.feature() == Feature.COMPOSE ? 0
                : AnswerSettings.copyWeightFor(lease.entry(), this.copyWeight.current());
        ChatRequest request = new ChatRequest(lease.modelId(), messages, sampling);
        if (copyWeight > 0) {
            request = request.withCopy(CopySources.evidence(posts, copyWeight));
        }
        BackendResult<Completion> result = lease.backend().chat(request, deltas);
        if (result instanceof BackendResult.Err<Completion> err) {
            return new AnswerOutcome.Failed(err.error());
        }
        Completion c = ((BackendResult.Ok<Completion>) result).value();
        String tail = filter.finish();
        if (!tail.isEmpty()) {
            if (firstText[0] < 0) {
                firstText[0] = (System.nanoTime() - startNanos) / 1_000_000;
            }
            listener.onText(tail);
        }
        String text = job.finalText().apply(filter.text());
        List<Citation> citations = new ArrayList<>();
        for (int n : filter.cited()) {
            QuotedPost p = posts.get(n - 1);
            citations.add(new Citation(n, p.postId(), p.authorHandle()));
        }
        String finish = timedOut[0] ? "timeout" : cancelled[0] ? "cancelled" : c.finishReason().openAiName();
        long total = (System.nanoTime() - startNanos) / 1_000_000;
        return new AnswerOutcome.Answered(new Answer(job.feature(), text, citations,
                posts.stream().map(QuotedPost::postId).toList(), lease.modelId(), template.ref(), finish, c.usage(),
                firstText[0], total, copyWeight));
    }
}
