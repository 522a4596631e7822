package dev.starling.server.testing;

import static dev.starling.server.testing.Api.map;

import dev.starling.server.testing.Api.Reply;

/** Signs up accounts through the API as a Mastodon client does: app, app token, POST /api/v1/accounts. */
public final class Users {
    public static final String PASSWORD = "correct horse battery staple";

    /** A signed-up user: its id, username and a bearer token with read write follow. */
    public record User(String id, String username, String token) {}

    private final Api api;
    private final String appToken;

    public Users(Api api) {
        this.api = api;
        Reply app = api.postForm("/api/v1/apps", null, map("client_name", "tests", "redirect_uris", "urn:ietf:wg:oauth:2.0:oob",
                "scopes", "read write follow"));
        check(app, 200);
        Reply token = api.postForm("/oauth/token", null, map("grant_type", "client_credentials", "client_id", app.json().get("client_id").asText(),
                "client_secret", app.json().get("client_secret").asText(), "scope", "read write follow"));
        check(token, 200);
        this.appToken = token.json().get("access_token").asText();
    }

    public String appToken() {
        return appToken;
    }

    public User signUp(String username) {
        Reply r = api.postForm("/api/v1/accounts", appToken, map("username", username, "email", username + "@example.test",
                "password", PASSWORD, "agreement", "true", "locale", "en"));
        check(r, 200);
        String token = r.json().get("access_token").asText();
        Reply me = api.get("/api/v1/accounts/verify_credentials", token);
        check(me, 200);
        return new User(me.json().get("id").asText(), username, token);
    }

    public static Reply check(Reply r, int status) {
        if (r.status() != status) throw new AssertionError("expected " + status + " but got " + r);
        return r;
    }
}
