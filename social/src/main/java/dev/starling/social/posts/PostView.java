package dev.starling.social.posts;

import dev.starling.social.accounts.Account;
import java.util.Objects;

/**
 * A post hydrated for one viewer, with everything Mastodon's Status entity needs: the author,
 * the reposted original ({@code reblog}, itself hydrated) or null, the quoted post when the viewer
 * may see it (else null), live counts and the viewer's own flags (false for anonymous viewers).
 */
public record PostView(
        Post post,
        Account author,
        PostView reblog,
        PostView quote,
        long repliesCount,
        long reblogsCount,
        long favouritesCount,
        boolean favourited,
        boolean reblogged,
        boolean bookmarked) {

    /** Written out as {@link Post#equals} is (see there): every component, cheap ones first. */
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof PostView v && repliesCount == v.repliesCount && reblogsCount == v.reblogsCount
                && favouritesCount == v.favouritesCount && favourited == v.favourited && reblogged == v.reblogged
                && bookmarked == v.bookmarked && Objects.equals(post, v.post) && Objects.equals(author, v.author)
                && Objects.equals(reblog, v.reblog) && Objects.equals(quote, v.quote);
    }

    @Override
    public int hashCode() {
        int h = Objects.hashCode(post);
        h = 31 * h + Objects.hashCode(author);
        h = 31 * h + Objects.hashCode(reblog);
        h = 31 * h + Objects.hashCode(quote);
        h = 31 * h + Long.hashCode(repliesCount);
        h = 31 * h + Long.hashCode(reblogsCount);
        h = 31 * h + Long.hashCode(favouritesCount);
        h = 31 * h + Boolean.hashCode(favourited);
        h = 31 * h + Boolean.hashCode(reblogged);
        return 31 * h + Boolean.hashCode(bookmarked);
    }
}
