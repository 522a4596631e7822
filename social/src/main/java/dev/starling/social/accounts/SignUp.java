package dev.starling.social.accounts;

/** A sign-up request. {@code displayName} may be null (defaults to empty, Mastodon shows the username). */
public record SignUp(String username, String email, String password, String displayName, boolean locked) {

    public SignUp(String username, String email, String password) {
        this(username, email, password, null, false);
    }
}
