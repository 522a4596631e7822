package dev.starling.ai.chat;

/**
 * What a model's chat template may cost. Templates come from model files, so they are untrusted input.
 *
 * @param maxTemplateChars longest template source accepted
 * @param maxOutputChars   longest rendered prompt (and longest string or JSON built on the way)
 * @param maxRenderMillis  wall-clock time for one render, checked between nodes
 * @param maxNodeRenders   text, expression and tag nodes evaluated in one render, loop bodies counted each time
 * @param maxCollectionSize largest list or dict a template may build, and the {@code range()} limit
 */
public record ChatTemplateLimits(int maxTemplateChars, long maxOutputChars, long maxRenderMillis, long maxNodeRenders,
        int maxCollectionSize) {

    public static final ChatTemplateLimits DEFAULT = new ChatTemplateLimits(256 * 1024, 4L * 1024 * 1024, 2_000,
            1_000_000, 100_000);

    public ChatTemplateLimits {
        if (maxTemplateChars <= 0 || maxOutputChars <= 0 || maxRenderMillis <= 0 || maxNodeRenders <= 0
                || maxCollectionSize <= 0) {
            throw new IllegalArgumentException("chat template limits must all be positive: " + maxTemplateChars + ", "
                    + maxOutputChars + ", " + maxRenderMillis + ", " + maxNodeRenders + ", " + maxCollectionSize);
        }
    }
}
