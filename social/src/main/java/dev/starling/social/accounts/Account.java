package dev.starling.social.accounts;

import java.time.Instant;

/**
 * A local account as Mastodon's Account entity needs it. {@code email} is private: show it only
 * to the account itself. Counts are live ({@code statusesCount} includes reposts, as Mastodon).
 * {@code aiTrainingConsent} (default false) says whether the author's posts may be used to train
 * the in-house model.
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
        Instant lastStatusAt) {
}
