package dev.starling.ai.trends;

import dev.starling.ai.answers.AnswerSettings;
import dev.starling.ai.answers.CopySources;
import dev.starling.ai.answers.CopyWeightSetting;
import dev.starling.ai.backend.BackendResult;
import dev.starling.ai.backend.ChatRequest;
import dev.starling.ai.backend.Completion;
import dev.starling.ai.backend.DeltaListener;
import dev.starling.ai.backend.SamplingParams;
import dev.starling.ai.chat.ChatMessage;
import dev.starling.ai.prompts.PromptBindings;
import dev.starling.ai.prompts.PromptException;
import dev.starling.ai.prompts.PromptRef;
import dev.starling.ai.prompts.PromptTemplate;
import dev.starling.ai.prompts.Prompts;
import dev.starling.ai.prompts.QuotedPost;
import dev.starling.ai.registry.Feature;
import dev.starling.ai.registry.ModelLease;
import dev.starling.ai.registry.ModelRegistry;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Writes a story's headline and summary with the model that serves {@link Feature#TRENDS}, from the
 * {@value #PROMPT} prompt file: the story's public posts go in as quoted, escaped blocks (data, never instructions),
 * their text cut until the prompt fits the model's context; generation is bounded by tokens and time. Like Ask and the
 * assistant, an in-process model writes with copy-augmented decoding from the quoted posts (and only those, at up to the
 * configured length even when the prompt quotes them shorter), at the operator's copy weight ({@link CopyWeightSetting},
 * read once per story).
 */
public final class StoryWriter {

    public static final String PROMPT = "trend-story";

    /** A story cites at least three posts, so its prompt quotes at least three, however small the model's context. */
    static final int MIN_QUOTED_POSTS = 3;

    /** Token and time limits of one story, and how much of each post is quoted at most. */
    public record Settings(int maxTokens, long timeoutMillis, int quotedPostChars) {
        public Settings {
            if (maxTokens < 16 || maxTokens > 2048 || timeoutMillis < 100 || quotedPostChars < 40) {
                throw new IllegalArgumentException("maxTokens 16..2048, timeoutMillis >= 100, quotedPostChars >= 40");
            }
        }

        public static Settings defaults() {
            return new Settings(200, 120_000, 400);
        }
    }

    /** What writing gave. */
    public sealed interface Outcome {
        /** Text written; {@code cited} are the numbers of the posts its summary cites (1-based, into the posts given). */
        record Written(StoryText.Parsed text, String modelId, PromptRef prompt, String finishReason) implements Outcome {
        }

        /** No model serves trends now; {@code reason} says why (e.g. "training: 45%"). */
        record NoModel(String reason) implements Outcome {
        }

        record Failed(String reason, String modelId, PromptRef prompt) implements Outcome {
        }
    }

    private final ModelRegistry registry;
    private final Prompts prompts;
    private final Settings settings;
    private final CopyWeightSetting copyWeight;

    /** A writer whose copy weight follows the rule by model ({@link AnswerSettings#copyWeightFor}). */
    public StoryWriter(ModelRegistry registry, Prompts prompts, Settings settings) {
        this(registry, prompts, settings, CopyWeightSetting.inMemory(OptionalDouble.empty()));
    }

    /** @param copyWeight the operator's copy weight, the one every AI feature reads */
    public StoryWriter(ModelRegistry registry, Prompts prompts, Settings settings, CopyWeightSetting copyWeight) {
        this.registry = registry;
        this.prompts = prompts;
        this.settings = settings;
        this.copyWeight = copyWeight;
    }

    /** Whether a model serves trends now (null) or why not. */
    public String notReadyReason() {
        return switch (registry.acquire(Feature.TRENDS)) {
            case ModelRegistry.Acquired.Ready r -> {
                r.lease().close();
                yield null;
            }
            case ModelRegistry.Acquired.NotReady n -> n.reason();
        };
    }

    public Outcome write(List<String> topics, List<QuotedPost> posts) {
        ModelLease lease;
        switch (registry.acquire(Feature.TRENDS)) {
            case ModelRegistry.Acquired.NotReady n -> {
                return new Outcome.NoModel(n.reason());
            }
            case ModelRegistry.Acquired.Ready r -> lease = r.lease();
        }
        try (lease) {
            PromptTemplate template;
            try {
                template = prompts.get(PROMPT);
            } catch (PromptException e) {
                return new Outcome.Failed(e.getMessage(), lease.modelId(), null);
            }
            int context = lease.entry().contextTokens();
            int maxTokens = Math.max(16, Math.min(settings.maxTokens(), context / 4));
            String topicLine = String.join(", ", topics);
            // fit the context: first cut each post (down to 40 characters), then quote fewer of them (the first ones, so
            // that [n] still names posts.get(n - 1)), down to the 3 a story must cite
            int chars = settings.quotedPostChars();
            int count = posts.size();
            List<ChatMessage> messages;
            List<QuotedPost> quoted;
            while (true) {
                int c = chars;
                quoted = posts.subList(0, count).stream().map(p -> p.truncated(c)).toList();
                messages = template.render(PromptBindings.of().line("topics", topicLine).posts("posts", quoted));
                if (lease.promptTokens(messages) + maxTokens <= context) {
                    break;
                }
                if (chars > 40) {
                    chars = Math.max(40, chars / 2);
                } else if (count > MIN_QUOTED_POSTS) {
                    count--;
                } else {
                    return new Outcome.Failed("the story prompt does not fit model " + lease.modelId() + "'s context of " + context
                            + " tokens even with " + count + " posts cut to 40 characters", lease.modelId(), template.ref());
                }
            }
            long deadline = System.nanoTime() + settings.timeoutMillis() * 1_000_000;
            boolean[] timedOut = {false};
            DeltaListener deltas = new DeltaListener() {
                @Override
                public void onDelta(String text) {
                }

                @Override
                public boolean cancelled() {
                    timedOut[0] |= System.nanoTime() > deadline;
                    return timedOut[0];
                }
            };
            ChatRequest request = new ChatRequest(lease.modelId(), messages, SamplingParams.greedy(maxTokens));
            double weight = AnswerSettings.copyWeightFor(lease.entry(), copyWeight.current());
            if (weight > 0) {
                // the quoted posts at the configured length, not at the length cut to fit the prompt: the copy evidence takes no
                // context, and copying from a post cut to 40 characters ends in its ellipsis and starts the same post again
                int full = settings.quotedPostChars();
                request = request.withCopy(CopySources.evidence(posts.subList(0, quoted.size()).stream().map(p -> p.truncated(full)).toList(),
                        weight));
            }
            BackendResult<Completion> result = lease.backend().chat(request, deltas);
            if (result instanceof BackendResult.Err<Completion> err) {
                return new Outcome.Failed("the model failed: " + err.error().message(), lease.modelId(), template.ref());
            }
            Completion c = ((BackendResult.Ok<Completion>) result).value();
            StoryText.Parsed parsed = StoryText.parse(c.text(), quoted.size());
            if (parsed.headline().isBlank()) {
                return new Outcome.Failed("the model wrote no headline" + (timedOut[0] ? " within " + settings.timeoutMillis() + " ms" : ""),
                        lease.modelId(), template.ref());
            }
            return new Outcome.Written(parsed, lease.modelId(), template.ref(), timedOut[0] ? "timeout" : c.finishReason().openAiName());
        }
    }
}
