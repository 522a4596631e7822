package dev.starling.ai.answers;

import dev.starling.ai.prompts.PromptBindings;
import dev.starling.ai.prompts.QuotedPost;
import dev.starling.ai.registry.Feature;
import dev.starling.social.posts.Post;
import dev.starling.social.timelines.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Summarize this thread: the thread of a post as the viewer sees it (the posts before it, the post, the replies; only
 * visible posts, at most {@link AnswerSettings#threadPosts()}, always including the post itself), turned into a few
 * short points with citations.
 */
public final class Summarize {

    public static final String PROMPT = "summarize";

    private final Generation generation;
    private final Evidence evidence;

    Summarize(Generation generation, Evidence evidence) {
        this.generation = generation;
        this.evidence = evidence;
    }

    public AnswerOutcome summarize(Long viewerId, long postId, AnswerListener listener) {
        long start = System.nanoTime();
        AnswerSettings s = generation.settings();
        Optional<Post> found = Threads.original(evidence, viewerId, postId);
        if (found.isEmpty()) {
            return new AnswerOutcome.NotFound("post " + postId + " was not found");
        }
        AnswerOutcome.NotReady notReady = generation.notReady(Feature.SUMMARIZE);
        if (notReady != null) {
            return notReady;
        }
        Post post = found.get();
        Context ctx = evidence.social().timelines().context(viewerId, post.id()).orElse(new Context(List.of(), List.of()));
        List<Post> before = Threads.quotable(ctx.ancestors());
        List<Post> after = Threads.quotable(ctx.descendants());
        int room = s.threadPosts() - 1;
        int nBefore = Math.min(before.size(), Math.max(room / 2, room - after.size()));
        int nAfter = Math.min(after.size(), room - nBefore);
        List<Post> thread = new ArrayList<>();
        if (nBefore > 0 && nBefore < before.size()) {
            thread.add(before.getFirst()); // the root frames the thread
            thread.addAll(before.subList(before.size() - nBefore + 1, before.size()));
        } else {
            thread.addAll(before.subList(before.size() - nBefore, before.size()));
        }
        thread.add(post);
        thread.addAll(after.subList(0, nAfter));
        List<QuotedPost> quoted = evidence.quote(thread, Collections.nCopies(thread.size(), ""), s.quotedPostChars());
        int minPosts = Math.min(thread.size(), thread.indexOf(post) + 1);
        return generation.run(new Generation.Job(Feature.SUMMARIZE, PROMPT, quoted, minPosts,
                q -> PromptBindings.of().posts("posts", q), s.summarizeMaxTokens(), UnaryOperator.identity()), listener, start);
    }
}
