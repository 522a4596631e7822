package dev.starling.social.outbox;

/** Domain events written to the outbox. {@link #wireName()} is what the {@code type} column holds. */
public enum EventType {
    POST_CREATED("post.created"),
    POST_DELETED("post.deleted"),
    POST_VISIBILITY_CHANGED("post.visibility_changed"),
    ACCOUNT_CREATED("account.created"),
    ACCOUNT_UPDATED("account.updated"),
    FOLLOWED("follow.created"),
    UNFOLLOWED("follow.deleted"),
    FAVOURITED("favourite.created"),
    UNFAVOURITED("favourite.deleted"),
    BLOCKED("block.created"),
    UNBLOCKED("block.deleted");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static EventType fromWireName(String name) {
        for (EventType t : values()) {
            if (t.wireName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown outbox event type: " + name);
    }
}
