package dev.starling.ai.answers;

import dev.starling.ai.prompts.PromptBindings;
import dev.starling.ai.registry.Feature;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Compose assist, only when its author asks: a completion of a draft ({@code complete}: text to append) or a rewrite
 * ({@code rewrite}: a replacement). No posts are retrieved; the suggestion is plain text without links to other sites,
 * cut to fit the post length limit (with the draft, for a completion).
 */
public final class Compose {

    public enum Mode {
        COMPLETE("compose-complete"), REWRITE("compose-rewrite");

        private final String prompt;

        Mode(String prompt) {
            this.prompt = prompt;
        }

        public String prompt() {
            return prompt;
        }

        public static Optional<Mode> parse(String s) {
            return switch (s == null ? "" : s.toLowerCase(Locale.ROOT)) {
                case "complete", "completion" -> Optional.of(COMPLETE);
                case "rewrite" -> Optional.of(REWRITE);
                default -> Optional.empty();
            };
        }
    }

    private final Generation generation;

    Compose(Generation generation) {
        this.generation = generation;
    }

    public AnswerOutcome compose(long authorId, String draft, Mode mode, AnswerListener listener) {
        long start = System.nanoTime();
        AnswerSettings s = generation.settings();
        if (draft == null || draft.isBlank()) {
            return new AnswerOutcome.Invalid("the draft is empty");
        }
        if (draft.length() > s.maxDraftChars()) {
            return new AnswerOutcome.Invalid("the draft is " + draft.length() + " characters, at most " + s.maxDraftChars()
                    + " allowed");
        }
        int room = mode == Mode.COMPLETE ? Math.max(0, s.maxPostChars() - draft.length()) : s.maxPostChars();
        if (room == 0) {
            return new AnswerOutcome.Invalid("the draft already fills the post length limit of " + s.maxPostChars()
                    + " characters");
        }
        return generation.run(new Generation.Job(Feature.COMPOSE, mode.prompt(), List.of(), 0,
                q -> PromptBindings.of().text("draft", draft).trusted("max_chars", Integer.toString(s.maxPostChars())),
                s.composeMaxTokens(), text -> cut(text, room)), listener, start);
    }

    static String cut(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        int end = maxChars;
        int space = text.lastIndexOf(' ', end);
        if (space > maxChars / 2) {
            end = space;
        }
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end).stripTrailing();
    }
}
