package dev.starling.ai.answers;

import dev.starling.ai.registry.ModelEntry;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Limits and knobs of the AI features. Every generation has a token limit and a time limit.
 *
 * @param maxQuestionChars   longest question Ask takes
 * @param maxDraftChars      longest draft Compose takes
 * @param maxPostChars       the network's post length limit (Compose keeps its suggestion within it)
 * @param evidencePosts      most posts Ask quotes
 * @param relatedPosts       most related posts Explain adds beside the thread
 * @param threadPosts        most posts of a thread Explain and Summarize quote
 * @param quotedPostChars    longest text quoted per post (longer posts are cut, marked with an ellipsis)
 * @param askMaxTokens       token limit of an Ask answer
 * @param explainMaxTokens   token limit of an explanation
 * @param summarizeMaxTokens token limit of a summary
 * @param composeMaxTokens   token limit of a compose suggestion
 * @param timeoutMillis      time limit of one generation (text so far is kept, finish reason {@code timeout})
 * @param temperature        sampling temperature (0: greedy)
 * @param seed               fixed sampling seed (tests, benchmarks); empty for random
 * @param instanceHosts      hosts links may point to (this instance), lower case; all others are removed
 * @param copyWeight         the copy weight (lambda, [0, 1)) of copy-augmented decoding for answers with evidence (Ask,
 *                           Explain, Summarize): how much of each next-token distribution comes from continuing spans
 *                           of the evidence posts ({@code ai.backend.CopyMixture}); empty: by model,
 *                           {@link #DEFAULT_COPY_WEIGHT} for an in-process model trained by Starling (it has a Starling
 *                           model card), 0 for any other (open-weight GGUFs). Remote (OpenAI-compatible) models never
 *                           get a copy mixture, whatever is set here.
 */
public record AnswerSettings(int maxQuestionChars, int maxDraftChars, int maxPostChars, int evidencePosts,
        int relatedPosts, int threadPosts, int quotedPostChars, int askMaxTokens, int explainMaxTokens,
        int summarizeMaxTokens, int composeMaxTokens, long timeoutMillis, double temperature, OptionalLong seed,
        Set<String> instanceHosts, OptionalDouble copyWeight) {

    /** The copy weight of in-process models trained by Starling, unless configured. */
    public static final double DEFAULT_COPY_WEIGHT = 0.5;

    public AnswerSettings {
        if (copyWeight.isPresent() && !(copyWeight.getAsDouble() >= 0 && copyWeight.getAsDouble() < 1)) {
            throw new IllegalArgumentException("copyWeight must be in [0, 1), got " + copyWeight.getAsDouble());
        }
        instanceHosts = Set.copyOf(instanceHosts);
        if (evidencePosts < 1 || threadPosts < 1 || quotedPostChars < 40 || timeoutMillis < 1) {
            throw new IllegalArgumentException("evidencePosts and threadPosts must be positive, quotedPostChars at least"
                    + " 40, timeoutMillis positive");
        }
    }

    public static AnswerSettings defaults() {
        return new AnswerSettings(500, 2000, 280, 8, 3, 12, 400, 256, 160, 160, 96, 60_000, 0.7, OptionalLong.empty(),
                Set.of(), OptionalDouble.empty());
    }

    public AnswerSettings withInstanceHosts(Set<String> hosts) {
        return new AnswerSettings(maxQuestionChars, maxDraftChars, maxPostChars, evidencePosts, relatedPosts, threadPosts,
                quotedPostChars, askMaxTokens, explainMaxTokens, summarizeMaxTokens, composeMaxTokens, timeoutMillis,
                temperature, seed, hosts, copyWeight);
    }

    public AnswerSettings withMaxPostChars(int n) {
        return new AnswerSettings(maxQuestionChars, maxDraftChars, n, evidencePosts, relatedPosts, threadPosts,
                quotedPostChars, askMaxTokens, explainMaxTokens, summarizeMaxTokens, composeMaxTokens, timeoutMillis,
                temperature, seed, instanceHosts, copyWeight);
    }

    /** The same token limit for every feature. */
    public AnswerSettings withMaxTokens(int n) {
        return new AnswerSettings(maxQuestionChars, maxDraftChars, maxPostChars, evidencePosts, relatedPosts, threadPosts,
                quotedPostChars, n, n, n, n, timeoutMillis, temperature, seed, instanceHosts, copyWeight);
    }

    public AnswerSettings withTimeoutMillis(long t) {
        return new AnswerSettings(maxQuestionChars, maxDraftChars, maxPostChars, evidencePosts, relatedPosts, threadPosts,
                quotedPostChars, askMaxTokens, explainMaxTokens, summarizeMaxTokens, composeMaxTokens, t, temperature,
                seed, instanceHosts, copyWeight);
    }

    public AnswerSettings withSampling(double t, OptionalLong s) {
        return new AnswerSettings(maxQuestionChars, maxDraftChars, maxPostChars, evidencePosts, relatedPosts, threadPosts,
                quotedPostChars, askMaxTokens, explainMaxTokens, summarizeMaxTokens, composeMaxTokens, timeoutMillis, t,
                s, instanceHosts, copyWeight);
    }

    /** A fixed copy weight for every model that can take one (in-process); 0 turns copying off. */
    public AnswerSettings withCopyWeight(double w) {
        return new AnswerSettings(maxQuestionChars, maxDraftChars, maxPostChars, evidencePosts, relatedPosts, threadPosts,
                quotedPostChars, askMaxTokens, explainMaxTokens, summarizeMaxTokens, composeMaxTokens, timeoutMillis,
                temperature, seed, instanceHosts, OptionalDouble.of(w));
    }

    /** The copy weight for answers with evidence from {@code model}: 0 for remote models (no copy mixture there). */
    public double copyWeightFor(ModelEntry model) {
        return copyWeightFor(model, copyWeight);
    }

    /**
     * The copy weight rule every feature follows: 0 for remote models (no copy mixture there); else the configured weight;
     * else {@link #DEFAULT_COPY_WEIGHT} for a model trained by Starling (it has a model card) and 0 for other GGUFs.
     */
    public static double copyWeightFor(ModelEntry model, OptionalDouble configured) {
        if (model.kind() != ModelEntry.Kind.LOCAL) {
            return 0;
        }
        if (configured.isPresent()) {
            return configured.getAsDouble();
        }
        return model.modelCard() != null ? DEFAULT_COPY_WEIGHT : 0;
    }
}
