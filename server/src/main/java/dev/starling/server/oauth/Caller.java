package dev.starling.server.oauth;

import java.util.Set;

/** Who is calling: the bearer token of the request, its app, its account (null for an app token), its scopes. */
public record Caller(long tokenId, long applicationId, Long accountId, Set<String> scopes) {
    public boolean isUser() {
        return accountId != null;
    }
}
