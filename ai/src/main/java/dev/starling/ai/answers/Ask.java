package dev.starling.ai.answers;

import dev.starling.ai.prompts.PromptBindings;
import dev.starling.ai.prompts.QuotedPost;
import dev.starling.ai.registry.Feature;
import dev.starling.social.posts.Post;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Ask: a question answered from the network's posts. Hybrid search as the asker finds the evidence ({@link Evidence});
 * the model answers from those posts only, quoted as data, citing them as {@code [n]}; citations that do not point to
 * one of them are removed. With no evidence the answer says so and no model is called.
 */
public final class Ask {

    public static final String PROMPT = "ask";
    public static final String NO_EVIDENCE_TEXT = "I found no posts you can see about this, so I cannot answer it from"
            + " the network.";

    private final Generation generation;
    private final Evidence evidence;

    Ask(Generation generation, Evidence evidence) {
        this.generation = generation;
        this.evidence = evidence;
    }

    /** Answers {@code question} for {@code viewerId} (null: anonymous, public posts only), streaming to {@code listener}. */
    public AnswerOutcome ask(Long viewerId, String question, AnswerListener listener) {
        long start = System.nanoTime();
        AnswerSettings s = generation.settings();
        if (question == null || question.isBlank()) {
            return new AnswerOutcome.Invalid("the question is empty");
        }
        if (question.length() > s.maxQuestionChars()) {
            return new AnswerOutcome.Invalid("the question is " + question.length() + " characters, at most "
                    + s.maxQuestionChars() + " allowed");
        }
        AnswerOutcome.NotReady notReady = generation.notReady(Feature.ASK);
        if (notReady != null) {
            return notReady;
        }
        List<Post> found = evidence.search(viewerId, question, s.evidencePosts(), Set.of());
        if (found.isEmpty()) {
            return new AnswerOutcome.Answered(generation.noEvidence(Feature.ASK, NO_EVIDENCE_TEXT, start, listener));
        }
        List<QuotedPost> quoted = evidence.quote(found, Collections.nCopies(found.size(), ""), s.quotedPostChars());
        return generation.run(new Generation.Job(Feature.ASK, PROMPT, quoted, 1,
                posts -> PromptBindings.of().text("question", question).posts("posts", posts), s.askMaxTokens(),
                UnaryOperator.identity()), listener, start);
    }
}
