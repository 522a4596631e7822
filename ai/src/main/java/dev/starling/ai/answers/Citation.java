package dev.starling.ai.answers;

/**
 * A numbered reference {@code [n]} in an answer, resolved to the post it points at (always one of the posts the
 * model was given, all of which the asker may see).
 */
public record Citation(int number, long postId, String authorHandle) {
}
