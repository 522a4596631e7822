package dev.starling.ai.assistant;

import dev.starling.social.accounts.Accounts;
import java.net.URI;
import java.util.OptionalDouble;

/**
 * How the assistant account behaves. Every number is a limit; {@link #defaults()} are sensible for one machine.
 *
 * @param handle                  the account's username ({@code starling}: people write {@code @starling})
 * @param workers                 mentions answered at once (generations in flight), 1..64
 * @param queueCapacity           mentions read from the outbox and waiting for a worker, 1..10,000; when full the
 *                                assistant stops reading and the backlog stays in the outbox
 * @param pollBatch               outbox events read at a time, 1..10,000
 * @param pollIntervalMillis      pause between outbox polls when there is nothing to do
 * @param maxTokens               tokens one generation may produce, 1..4096
 * @param generationTimeoutMillis time one generation may take before it is cut off
 * @param maxAttempts             generations tried per mention before it is recorded as failed, 1..10
 * @param retryBackoffMillis      pause before a retry (doubled each time)
 * @param maxReplyPosts           posts one reply may span (a short thread), 1..10
 * @param threadPosts             posts of the thread quoted in the prompt (nearest the mention), 0..50
 * @param searchPosts             related posts from search quoted in the prompt, 0..20
 * @param maxQuotedChars          characters of one quoted post, 50..5,000
 * @param maxPromptChars          characters of the whole prompt, 500..200,000 (related, then old thread posts
 *                                are dropped to fit)
 * @param answerBots              whether mentions by accounts marked as bots are answered (off: no bot loops)
 * @param instanceBaseUrl         this instance's public URL ({@code https://starling.example}, a path allowed); the only links a
 *                                reply may keep are to this instance's posts that the prompt quoted; null: no links
 * @param temperature             sampling temperature, 0..2
 * @param copyWeight              copy-augmented decoding weight for in-process models, in [0, 1); empty: the rule of
 *                                {@link dev.starling.ai.answers.AnswerSettings#copyWeightFor} (0.5 for models trained by
 *                                Starling, 0 for others); remote models never copy
 */
public record AssistantConfig(String handle, int workers, int queueCapacity, int pollBatch, long pollIntervalMillis,
        int maxTokens, long generationTimeoutMillis, int maxAttempts, long retryBackoffMillis, int maxReplyPosts,
        int threadPosts, int searchPosts, int maxQuotedChars, int maxPromptChars, boolean answerBots,
        String instanceBaseUrl, double temperature, OptionalDouble copyWeight) {

    public static final String DEFAULT_HANDLE = "starling";

    public AssistantConfig {
        if (handle == null || !Accounts.USERNAME.matcher(handle).matches()) {
            throw new IllegalArgumentException("assistant handle must be 1 to 30 letters, digits or underscores, was " + handle);
        }
        check("workers", workers, 1, 64);
        check("queueCapacity", queueCapacity, 1, 10_000);
        check("pollBatch", pollBatch, 1, 10_000);
        check("pollIntervalMillis", pollIntervalMillis, 1, 60_000);
        check("maxTokens", maxTokens, 1, 4096);
        check("generationTimeoutMillis", generationTimeoutMillis, 100, 600_000);
        check("maxAttempts", maxAttempts, 1, 10);
        check("retryBackoffMillis", retryBackoffMillis, 0, 60_000);
        check("maxReplyPosts", maxReplyPosts, 1, 10);
        check("threadPosts", threadPosts, 0, 50);
        check("searchPosts", searchPosts, 0, 20);
        check("maxQuotedChars", maxQuotedChars, 50, 5_000);
        check("maxPromptChars", maxPromptChars, 500, 200_000);
        if (copyWeight == null || (copyWeight.isPresent() && !(copyWeight.getAsDouble() >= 0 && copyWeight.getAsDouble() < 1))) {
            throw new IllegalArgumentException("copy weight must be in [0, 1), was " + copyWeight);
        }
        if (!(temperature >= 0 && temperature <= 2)) {
            throw new IllegalArgumentException("temperature must be 0..2, was " + temperature);
        }
        if (instanceBaseUrl != null) {
            URI u;
            try {
                u = URI.create(instanceBaseUrl);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("instanceBaseUrl is not a URL: " + instanceBaseUrl);
            }
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null || u.getQuery() != null
                    || u.getFragment() != null) {
                throw new IllegalArgumentException("instanceBaseUrl must be http(s)://host[:port][/path] without query or fragment, was "
                        + instanceBaseUrl);
            }
            instanceBaseUrl = instanceBaseUrl.endsWith("/") ? instanceBaseUrl.substring(0, instanceBaseUrl.length() - 1) : instanceBaseUrl;
        }
    }

    public static AssistantConfig defaults() {
        return new AssistantConfig(DEFAULT_HANDLE, 2, 32, 200, 500, 160, 60_000, 3, 500, 3, 6, 5, 500, 6_000, false,
                null, 0.7, OptionalDouble.empty());
    }

    public AssistantConfig withHandle(String h) {
        return new AssistantConfig(h, workers, queueCapacity, pollBatch, pollIntervalMillis, maxTokens, generationTimeoutMillis,
                maxAttempts, retryBackoffMillis, maxReplyPosts, threadPosts, searchPosts, maxQuotedChars, maxPromptChars,
                answerBots, instanceBaseUrl, temperature, copyWeight);
    }

    public AssistantConfig withWorkers(int n, int queue) {
        return new AssistantConfig(handle, n, queue, pollBatch, pollIntervalMillis, maxTokens, generationTimeoutMillis,
                maxAttempts, retryBackoffMillis, maxReplyPosts, threadPosts, searchPosts, maxQuotedChars, maxPromptChars,
                answerBots, instanceBaseUrl, temperature, copyWeight);
    }

    public AssistantConfig withPolling(int batch, long intervalMillis) {
        return new AssistantConfig(handle, workers, queueCapacity, batch, intervalMillis, maxTokens, generationTimeoutMillis,
                maxAttempts, retryBackoffMillis, maxReplyPosts, threadPosts, searchPosts, maxQuotedChars, maxPromptChars,
                answerBots, instanceBaseUrl, temperature, copyWeight);
    }

    public AssistantConfig withGeneration(int tokens, long timeoutMillis, int attempts, long backoffMillis) {
        return new AssistantConfig(handle, workers, queueCapacity, pollBatch, pollIntervalMillis, tokens, timeoutMillis,
                attempts, backoffMillis, maxReplyPosts, threadPosts, searchPosts, maxQuotedChars, maxPromptChars,
                answerBots, instanceBaseUrl, temperature, copyWeight);
    }

    public AssistantConfig withPrompt(int thread, int search, int quotedChars, int promptChars) {
        return new AssistantConfig(handle, workers, queueCapacity, pollBatch, pollIntervalMillis, maxTokens, generationTimeoutMillis,
                maxAttempts, retryBackoffMillis, maxReplyPosts, thread, search, quotedChars, promptChars,
                answerBots, instanceBaseUrl, temperature, copyWeight);
    }

    public AssistantConfig withAnswerBots(boolean b) {
        return new AssistantConfig(handle, workers, queueCapacity, pollBatch, pollIntervalMillis, maxTokens, generationTimeoutMillis,
                maxAttempts, retryBackoffMillis, maxReplyPosts, threadPosts, searchPosts, maxQuotedChars, maxPromptChars,
                b, instanceBaseUrl, temperature, copyWeight);
    }

    public AssistantConfig withInstanceBaseUrl(String url) {
        return new AssistantConfig(handle, workers, queueCapacity, pollBatch, pollIntervalMillis, maxTokens, generationTimeoutMillis,
                maxAttempts, retryBackoffMillis, maxReplyPosts, threadPosts, searchPosts, maxQuotedChars, maxPromptChars,
                answerBots, url, temperature, copyWeight);
    }

    public AssistantConfig withTemperature(double t) {
        return new AssistantConfig(handle, workers, queueCapacity, pollBatch, pollIntervalMillis, maxTokens, generationTimeoutMillis,
                maxAttempts, retryBackoffMillis, maxReplyPosts, threadPosts, searchPosts, maxQuotedChars, maxPromptChars,
                answerBots, instanceBaseUrl, t, copyWeight);
    }

    private static void check(String name, long v, long min, long max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", was " + v);
        }
    }

    /** @param w copy-augmented decoding weight for in-process models, in [0, 1) */
    public AssistantConfig withCopyWeight(double w) {
        return new AssistantConfig(handle, workers, queueCapacity, pollBatch, pollIntervalMillis, maxTokens, generationTimeoutMillis,
                maxAttempts, retryBackoffMillis, maxReplyPosts, threadPosts, searchPosts, maxQuotedChars, maxPromptChars,
                answerBots, instanceBaseUrl, temperature, OptionalDouble.of(w));
    }
}
