package dev.starling.social.accounts;

import dev.starling.social.posts.PostVisibility;
import java.time.Instant;

/**
 * A local account as Mastodon's Account entity needs it. {@code email} is private: show it only
 * to the account itself. Counts are live ({@code statusesCount} includes reposts, as Mastodon).
 * {@code aiTrainingConsent} says whether the author's public posts may train the in-house model
 * (new accounts start with the operator's default, false out of the box; see
 * {@link dev.starling.social.consent.TrainingConsent}). The account's role is not part of this
 * record: read it with {@link Accounts#role(long)}. {@code defaultVisibility} is the visibility of
 * the account's new posts that do not name one (Mastodon's {@code source.privacy}): public,
 * unlisted or private, never direct; public for new accounts.
 */
public record Account(
        long id,
        String username,
        String email,
        String displayName,
        String note,
        String avatarUrl,
        boolean locked,
        boolean bot,
        boolean aiTrainingConsent,
        Instant createdAt,
        long followersCount,
        long followingCount,
        long statusesCount,
        Instant lastStatusAt,
        PostVisibility defaultVisibility) {
}
