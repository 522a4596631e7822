package dev.starling.ai.assistant;

import java.time.Instant;
import java.util.List;

/**
 * Where an assistant post came from, for the API and the web app to show beside it ("written by the model ... with
 * the prompt ..."): the mention it answers, the posts the prompt quoted (all visible to the reply's readers when it
 * was written), the model and the prompt (name, version, hash), and what the generation cost.
 */
public record ReplyProvenance(long mentionPostId, List<Long> replyPostIds, List<Long> quotedPostIds, String model, String prompt,
        int attempts, int promptTokens, int completionTokens, long generationMillis, Instant createdAt) {

    public ReplyProvenance {
        replyPostIds = List.copyOf(replyPostIds);
        quotedPostIds = List.copyOf(quotedPostIds);
    }
}
