package dev.starling.ai.answers;

import dev.starling.social.posts.Post;
import java.util.List;
import java.util.Optional;

/** Helpers for the thread features. */
final class Threads {

    private Threads() {
    }

    /** The post the viewer may see, or the original when it is a repost the viewer may see. */
    static Optional<Post> original(Evidence evidence, Long viewerId, long postId) {
        Optional<Post> p = evidence.visible(viewerId, postId);
        if (p.isPresent() && p.get().isReblog()) {
            return evidence.visible(viewerId, p.get().reblogOfId());
        }
        return p;
    }

    /** Posts worth quoting: no reposts, no empty texts. */
    static List<Post> quotable(List<Post> posts) {
        return posts.stream().filter(p -> !p.isReblog() && !p.text().isBlank()).toList();
    }
}
