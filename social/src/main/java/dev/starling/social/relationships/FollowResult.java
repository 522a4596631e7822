package dev.starling.social.relationships;

/** What a follow did: FOLLOWING (accepted now), REQUESTED (the target is locked: a request waits). */
public enum FollowResult {
    FOLLOWING,
    REQUESTED
}
