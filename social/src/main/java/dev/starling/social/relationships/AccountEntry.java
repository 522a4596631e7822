package dev.starling.social.relationships;

import dev.starling.social.accounts.Account;

/** An account in a paginated list (followers, following, requests, blocks, mutes); {@code cursorId} is the row id for paging. */
public record AccountEntry(long cursorId, Account account) {
}
