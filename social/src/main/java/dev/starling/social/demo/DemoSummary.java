package dev.starling.social.demo;

import java.util.List;

/**
 * What {@link DemoNetwork#build} created. {@code created} is false when the demo network was
 * already present (nothing was written). {@code usernames} lists the accounts, the most followed first.
 * {@code consentingAccounts} of the accounts consent to training (most; the others show the
 * exclusions in the training corpus). {@code adminUsername} is the one account with the admin
 * role (the most followed; null when nothing was created).
 */
public record DemoSummary(boolean created, int accounts, int follows, int followRequests, int posts, int replies, int reposts,
                          int favourites, long elapsedMillis, List<String> usernames, int consentingAccounts, String adminUsername) {

    public DemoSummary {
        usernames = List.copyOf(usernames);
    }

    @Override
    public String toString() {
        return "DemoSummary[created=" + created + ", accounts=" + accounts + ", follows=" + follows + ", followRequests=" + followRequests
                + ", posts=" + posts + ", replies=" + replies + ", reposts=" + reposts + ", favourites=" + favourites
                + ", elapsedMillis=" + elapsedMillis + ", most followed=" + usernames.subList(0, Math.min(5, usernames.size()))
                + ", consentingAccounts=" + consentingAccounts + ", admin=" + adminUsername + "]";
    }
}
