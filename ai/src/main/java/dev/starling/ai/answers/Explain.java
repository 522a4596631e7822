package dev.starling.ai.answers;

import dev.starling.ai.prompts.PromptBindings;
import dev.starling.ai.prompts.QuotedPost;
import dev.starling.ai.registry.Feature;
import dev.starling.social.posts.Post;
import dev.starling.social.timelines.Context;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Explain this post: the post ({@code [1]}), the nearest posts of its thread and a few related posts, all visible to
 * the viewer, turned into a few short points with citations. A post the viewer may not see is not found.
 */
public final class Explain {

    public static final String PROMPT = "explain";

    private final Generation generation;
    private final Evidence evidence;

    Explain(Generation generation, Evidence evidence) {
        this.generation = generation;
        this.evidence = evidence;
    }

    public AnswerOutcome explain(Long viewerId, long postId, AnswerListener listener) {
        long start = System.nanoTime();
        AnswerSettings s = generation.settings();
        Optional<Post> found = Threads.original(evidence, viewerId, postId);
        if (found.isEmpty()) {
            return new AnswerOutcome.NotFound("post " + postId + " was not found");
        }
        AnswerOutcome.NotReady notReady = generation.notReady(Feature.EXPLAIN);
        if (notReady != null) {
            return notReady;
        }
        Post post = found.get();
        List<Post> posts = new ArrayList<>(List.of(post));
        List<String> roles = new ArrayList<>(List.of("the post to explain"));
        int threadBudget = Math.max(0, s.threadPosts() - 1);
        Context ctx = evidence.social().timelines().context(viewerId, post.id()).orElse(new Context(List.of(), List.of()));
        List<Post> up = Threads.quotable(ctx.ancestors());
        for (int i = Math.max(0, up.size() - Math.min(3, threadBudget)); i < up.size(); i++) {
            posts.add(up.get(i));
            roles.add("earlier in the thread");
        }
        List<Post> down = Threads.quotable(ctx.descendants());
        for (int i = 0; i < down.size() && posts.size() < 1 + Math.min(6, threadBudget); i++) {
            posts.add(down.get(i));
            roles.add("reply");
        }
        Set<Long> seen = new HashSet<>();
        posts.forEach(p -> seen.add(p.id()));
        for (Post related : evidence.search(viewerId, post.text(), s.relatedPosts(), seen)) {
            posts.add(related);
            roles.add("related");
        }
        List<QuotedPost> quoted = evidence.quote(posts, roles, s.quotedPostChars());
        return generation.run(new Generation.Job(Feature.EXPLAIN, PROMPT, quoted, 1,
                q -> PromptBindings.of().posts("posts", q), s.explainMaxTokens(), UnaryOperator.identity()), listener, start);
    }
}
