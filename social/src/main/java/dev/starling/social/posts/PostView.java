package dev.starling.social.posts;

import dev.starling.social.accounts.Account;

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
}
