package dev.starling.ai.prompts;

import java.time.Instant;
import java.util.Objects;

/**
 * A post as a prompt quotes it: the reference number the model cites ({@code [n]}), the post's id, its author's
 * handle, when it was written, a role label ({@code post}, {@code reply}, {@code related}...) and its text. The text
 * is untrusted data: {@link PromptText#quote} escapes it so that it can never close its block or look like
 * instructions of the chat template.
 */
public record QuotedPost(int number, long postId, String authorHandle, Instant createdAt, String role, String text) {

    public QuotedPost {
        if (number < 1) {
            throw new IllegalArgumentException("reference numbers start at 1, got " + number);
        }
        Objects.requireNonNull(authorHandle, "authorHandle");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(text, "text");
    }

    /** The same post with its text cut to at most {@code maxChars} characters (an ellipsis marks the cut). */
    public QuotedPost truncated(int maxChars) {
        if (text.length() <= maxChars) {
            return this;
        }
        int end = Math.max(0, maxChars - 1);
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return new QuotedPost(number, postId, authorHandle, createdAt, role, text.substring(0, end) + "\u2026");
    }
}
