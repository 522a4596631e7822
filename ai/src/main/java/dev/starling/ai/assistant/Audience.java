package dev.starling.ai.assistant;

import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.visibility.Viewer;
import dev.starling.social.visibility.Visibility;
import java.util.Set;

/**
 * Who will read the assistant's reply, and so what it may quote. The reply is never more visible than the
 * mention: a public mention gets a public reply, an unlisted one an unlisted reply, a followers-only or direct one
 * a direct reply to its author only. A post may reach the prompt only when EVERY member of that audience may see it
 * (the least privileged member decides): for a public or unlisted reply that includes an anonymous visitor and the
 * mentioner; for a direct reply, the mentioner. Posts by accounts the mentioner mutes, and by accounts the
 * assistant blocks, mutes or is blocked by, are left out too.
 *
 * @param replyVisibility      the reply's visibility
 * @param mentioner            the mentioner as a viewer (follows, blocks either way)
 * @param mentionerMutes       accounts the mentioner mutes
 * @param assistantAvoids      accounts the assistant blocks, mutes or is blocked by
 */
record Audience(PostVisibility replyVisibility, Viewer mentioner, Set<Long> mentionerMutes, Set<Long> assistantAvoids) {

    Audience {
        mentionerMutes = Set.copyOf(mentionerMutes);
        assistantAvoids = Set.copyOf(assistantAvoids);
    }

    /** The reply's visibility for a mention of {@code mentionVisibility}. */
    static PostVisibility replyVisibility(PostVisibility mentionVisibility) {
        return switch (mentionVisibility) {
            case PUBLIC -> PostVisibility.PUBLIC;
            case UNLISTED -> PostVisibility.UNLISTED;
            case PRIVATE, DIRECT -> PostVisibility.DIRECT;
        };
    }

    /** True when the reply's readers include people who are not the mentioner (anyone at all). */
    boolean isPublic() {
        return replyVisibility == PostVisibility.PUBLIC || replyVisibility == PostVisibility.UNLISTED;
    }

    /** The account to retrieve as: null (anonymous) for a public reply, else the mentioner. */
    Long retrievalViewerId() {
        return isPublic() ? null : mentioner.accountId();
    }

    /** Whether {@code p} (an original, not a repost) may be quoted in a reply to this audience. */
    boolean allows(Post p) {
        if (p.isReblog()) {
            return false;
        }
        if (assistantAvoids.contains(p.authorId()) || mentionerMutes.contains(p.authorId())) {
            return false;
        }
        if (!Visibility.canSee(mentioner, p)) {
            return false;
        }
        return !isPublic() || Visibility.canSee(Viewer.ANONYMOUS, p);
    }
}
