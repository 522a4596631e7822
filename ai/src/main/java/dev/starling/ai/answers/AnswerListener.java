package dev.starling.ai.answers;

/** Receives an answer's text as it is written (already filtered: what it gets is final). */
@FunctionalInterface
public interface AnswerListener {

    AnswerListener NONE = text -> { };

    void onText(String text);

    /** Polled while generating: true stops it (e.g. the client went away). */
    default boolean cancelled() {
        return false;
    }
}
