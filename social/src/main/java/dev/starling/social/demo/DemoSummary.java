package dev.starling.social.demo;

import java.util.List;

/**
 * What {@link DemoNetwork#build} created. {@code created} is false when the demo network was
 * already present (nothing was written). {@code usernames} lists the accounts, the most followed first.
 * {@code consentingAccounts} of the accounts consent to training (most; the others show the
 * exclusions in the training corpus). {@code adminUsername} is the one account with the admin
 * role (the most followed; null when nothing was created). {@code events} are the events planted in
 * the last hours before the end, which trend (the counts above include their posts, replies, reposts and likes).
 */
public record DemoSummary(boolean created, int accounts, int follows, int followRequests, int posts, int replies, int reposts,
                          int favourites, long elapsedMillis, List<String> usernames, int consentingAccounts, String adminUsername,
                          List<Event> events) {

    /**
     * A planted event: many accounts posting about one thing in their own words. {@code tag} is the hashtag (without
     * '#'), {@code link} the URL as posted (some shares add tracking parameters), {@code phrase} the words every post
     * contains; {@code accounts} distinct accounts wrote its {@code posts} original posts within the last hours,
     * {@code consentingAccounts} of them consent to training.
     */
    public record Event(String name, String tag, String link, String phrase, int accounts, int posts, int consentingAccounts) {
    }

    public DemoSummary {
        usernames = List.copyOf(usernames);
        events = List.copyOf(events);
    }

    @Override
    public String toString() {
        return "DemoSummary[created=" + created + ", accounts=" + accounts + ", follows=" + follows + ", followRequests=" + followRequests
                + ", posts=" + posts + ", replies=" + replies + ", reposts=" + reposts + ", favourites=" + favourites
                + ", elapsedMillis=" + elapsedMillis + ", most followed=" + usernames.subList(0, Math.min(5, usernames.size()))
                + ", consentingAccounts=" + consentingAccounts + ", admin=" + adminUsername + ", events="
                + events.stream().map(e -> "#" + e.tag() + " (" + e.accounts() + " accounts)").toList() + "]";
    }
}
