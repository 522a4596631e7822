package dev.starling.social.notifications;

import java.util.Optional;

/** Mastodon notification types Starling emits. A reply notifies the parent's author as MENTION, as Mastodon. */
public enum NotificationType {
    MENTION("mention"),
    FOLLOW("follow"),
    FOLLOW_REQUEST("follow_request"),
    FAVOURITE("favourite"),
    REBLOG("reblog");

    private final String wireName;

    NotificationType(String wireName) {
        this.wireName = wireName;
    }

    /** Mastodon's name ("mention", "follow", "follow_request", "favourite", "reblog"). */
    public String wireName() {
        return wireName;
    }

    public static Optional<NotificationType> parse(String name) {
        for (NotificationType t : values()) {
            if (t.wireName.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
