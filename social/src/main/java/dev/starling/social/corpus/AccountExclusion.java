package dev.starling.social.corpus;

/**
 * Why an account contributes nothing to the training corpus. An account gets the first reason
 * that applies, in declaration order.
 */
public enum AccountExclusion {
    /** The account does not consent to training. */
    NOT_CONSENTING,
    /** A bot account (automated posts). */
    BOT,
    /** Consenting, but none of its posts qualifies (none public, or only reposts). */
    NO_ELIGIBLE_POSTS
}
