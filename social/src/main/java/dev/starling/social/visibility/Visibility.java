package dev.starling.social.visibility;

import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

/**
 * THE visibility rule of Starling: may viewer V see post P? Every read path asks it, either this
 * Java function or its SQL twin {@link VisibilitySql} (tested to agree).
 *
 * <p>For a post that is not a repost:
 * <ul>
 *   <li>the author always sees it;</li>
 *   <li>nobody else sees it when the viewer and the author block each other (either way);</li>
 *   <li>PUBLIC and UNLISTED: everybody else, anonymous visitors included;</li>
 *   <li>PRIVATE: accepted followers of the author and mentioned accounts;</li>
 *   <li>DIRECT: mentioned accounts.</li>
 * </ul>
 * A repost is visible when its original is, and the viewer is the reposter or does not block
 * (and is not blocked by) the reposter. Mutes are not visibility: they hide authors from the home,
 * public and hashtag timelines only.
 */
public final class Visibility {

    private Visibility() {
    }

    /**
     * @param original the reposted post when {@code post} is a repost (required then), else ignored
     */
    public static boolean canSee(ViewerRelations viewer, Post post, Post original) {
        if (post.isReblog()) {
            if (original == null || original.id() != post.reblogOfId()) {
                throw new IllegalArgumentException("repost " + post.id() + " needs its original " + post.reblogOfId());
            }
            boolean reposterOk = viewer.is(post.authorId()) || !viewer.blocksEitherWay(post.authorId());
            return reposterOk && canSeeOriginal(viewer, original);
        }
        return canSeeOriginal(viewer, post);
    }

    /** {@link #canSee} for a post that is not a repost. */
    public static boolean canSee(ViewerRelations viewer, Post post) {
        return canSee(viewer, post, null);
    }

    private static boolean canSeeOriginal(ViewerRelations viewer, Post p) {
        if (p.isReblog()) {
            throw new IllegalArgumentException("post " + p.id() + " is a repost of a repost");
        }
        if (viewer.is(p.authorId())) {
            return true;
        }
        if (viewer.accountId() != null && viewer.blocksEitherWay(p.authorId())) {
            return false;
        }
        boolean mentioned = viewer.accountId() != null && p.entities().mentions(viewer.accountId());
        return switch (p.visibility()) {
            case PUBLIC, UNLISTED -> true;
            case PRIVATE -> mentioned || viewer.follows(p.authorId());
            case DIRECT -> mentioned;
        };
    }

    /** True for visibilities listed on public/hashtag timelines. */
    public static boolean isListed(PostVisibility v) {
        return v == PostVisibility.PUBLIC;
    }

    /** Loads a viewer's follows and blocks (null id: {@link Viewer#ANONYMOUS}). */
    public static Viewer viewer(Connection c, Long accountId) throws SQLException {
        if (accountId == null) {
            return Viewer.ANONYMOUS;
        }
        Set<Long> following = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT followee_id FROM follows WHERE follower_id = ?")) {
            ps.setLong(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    following.add(rs.getLong(1));
                }
            }
        }
        Set<Long> blocked = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT target_id FROM blocks WHERE account_id = ? UNION SELECT account_id FROM blocks WHERE target_id = ?")) {
            ps.setLong(1, accountId);
            ps.setLong(2, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    blocked.add(rs.getLong(1));
                }
            }
        }
        return new Viewer(accountId, following, blocked);
    }
}
