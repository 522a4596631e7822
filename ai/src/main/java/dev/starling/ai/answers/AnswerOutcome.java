package dev.starling.ai.answers;

import dev.starling.ai.backend.BackendError;

/** An AI feature's result: an answer, or why there is none (each maps to one HTTP status). */
public sealed interface AnswerOutcome {

    /** The answer (also when it says that no evidence was found). */
    record Answered(Answer answer) implements AnswerOutcome {
    }

    /** No model serves the feature yet; {@code reason} says why ({@code training: 45%}). HTTP 503. */
    record NotReady(String reason) implements AnswerOutcome {
    }

    /** The post does not exist or the viewer may not see it. HTTP 404. */
    record NotFound(String message) implements AnswerOutcome {
    }

    /** The input was wrong (empty, too long, a bad mode). HTTP 422. */
    record Invalid(String message) implements AnswerOutcome {
    }

    /** The model failed (overloaded, upstream down, context too small...). HTTP status of the error's kind. */
    record Failed(BackendError error) implements AnswerOutcome {
    }
}
