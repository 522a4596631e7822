package dev.starling.server.web.ai;

import java.util.List;

/**
 * The model of {@code ai/answer.jte}: an AI answer ready to show, or why there is none.
 *
 * @param state     {@code answered}, {@code not_ready}, {@code not_found}, {@code invalid}, {@code budget},
 *                  {@code failed}, or {@code empty} (nothing asked yet)
 * @param message   for people, when not answered (null otherwise)
 * @param paragraphs the answer's text by line, each cut at its citations, in order
 * @param sources   the posts the model was given, numbered as the text cites them ({@code [1]} first)
 * @param modelId   the model that wrote it, null when none was called
 * @param prompt    the prompt that produced it ({@code ask v1 (sha256:...)}), null when none
 * @param finishNote why the text ended early ({@code the length limit}...), or null
 */
public record AnswerView(String state, String message, List<List<Segment>> paragraphs, List<Source> sources, String modelId, String prompt,
                         String finishNote) {

    /** Plain text ({@code href} null) or a citation {@code [n]} linking to the cited post. */
    public record Segment(String text, String href) {
        public boolean citation() {
            return href != null;
        }
    }

    /** One post the answer drew on; {@code cited} when the text cites it. */
    public record Source(int number, long postId, String href, String authorUsername, String authorName, String excerpt, boolean cited) {}

    public static AnswerView empty() {
        return new AnswerView("empty", null, List.of(), List.of(), null, null, null);
    }

    public static AnswerView problem(String state, String message) {
        return new AnswerView(state, message, List.of(), List.of(), null, null, null);
    }

    public boolean answered() {
        return "answered".equals(state);
    }

    public boolean isEmpty() {
        return "empty".equals(state);
    }

    /** True when the text was written by a model (not the fixed "no posts found" sentence). */
    public boolean generated() {
        return modelId != null;
    }
}
