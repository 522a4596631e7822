package dev.starling.ai.assistant;

import java.util.List;

/** What handling one mention came to. Replied, Skipped and Failed are recorded in {@code assistant_mentions}. */
public sealed interface MentionOutcome {

    /** The reply was posted ({@code replyPostIds}: the reply and the posts continuing it, in order). */
    record Replied(long mentionPostId, List<Long> replyPostIds, String model, String prompt) implements MentionOutcome {
        public Replied {
            replyPostIds = List.copyOf(replyPostIds);
        }
    }

    /** No reply by design (the mentioner blocks the assistant, its budget is spent, ...): {@code reason} says why. */
    record Skipped(long mentionPostId, String reason) implements MentionOutcome {
    }

    /**
     * The mentioner's daily assistant budget is spent: instead of an answer, a short notice saying so and when it resets
     * was posted as {@code noticePostId} (at most one per account and UTC day; later mentions that day are
     * {@link Skipped}). Recorded as skipped, with the notice as its reply.
     */
    record LimitNotice(long mentionPostId, long noticePostId, String reason) implements MentionOutcome {
    }

    /** Every generation attempt failed; {@code reason} says how. */
    record Failed(long mentionPostId, int attempts, String reason) implements MentionOutcome {
    }

    /** No model is ready (or the assistant is stopping): nothing was recorded; the mention stays in the backlog. */
    record Deferred(long mentionPostId, String reason) implements MentionOutcome {
    }

    /** The ledger already had this mention (a replay after a crash, or another worker): nothing was done. */
    record AlreadyHandled(long mentionPostId, String recordedOutcome) implements MentionOutcome {
    }

    long mentionPostId();
}
