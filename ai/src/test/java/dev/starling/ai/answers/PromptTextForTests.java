package dev.starling.ai.answers;

import dev.starling.ai.prompts.PromptText;

/** The form a person's text takes in a prompt. */
final class PromptTextForTests {

    private PromptTextForTests() {
    }

    static String escaped(String untrusted) {
        return PromptText.escape(untrusted);
    }
}
