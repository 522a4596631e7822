package dev.starling.server.web.profile;

import dev.starling.social.accounts.Account;
import dev.starling.social.relationships.Relationship;

/**
 * A profile's head: the account, its bio as escaped linked HTML, and the viewer's relationship to it
 * (null when signed out or on one's own profile).
 *
 * @param tab posts, replies, followers or following
 */
public record ProfileView(Account account, String noteHtml, String avatarUrl, Relationship relationship, boolean self, boolean signedIn, String tab) {

    public String name() {
        return account.displayName() == null || account.displayName().isBlank() ? account.username() : account.displayName();
    }

    public String base() {
        return "/@" + account.username();
    }
}
