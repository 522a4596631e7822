package dev.starling.server.oauth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Mastodon's Application and CredentialApplication entities, and the Token entity. */
public final class ApplicationJson {
    private ApplicationJson() {}

    public static Map<String, Object> application(OAuthStore.Application app) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", Long.toString(app.id()));
        m.put("name", app.name());
        m.put("website", app.website());
        m.put("scopes", List.of(app.scopes().split(" ")));
        m.put("redirect_uri", String.join("\n", app.redirectUris()));
        m.put("redirect_uris", app.redirectUris());
        m.put("vapid_key", "");
        return m;
    }

    public static Map<String, Object> credentialApplication(OAuthStore.NewApplication created) {
        Map<String, Object> m = application(created.application());
        m.put("client_id", created.application().clientId());
        m.put("client_secret", created.clientSecret());
        m.put("client_secret_expires_at", 0);
        return m;
    }

    /** The Token entity of {@code POST /oauth/token} (created_at in Unix seconds, as Mastodon). */
    public static Map<String, Object> token(OAuthStore.NewToken token) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("access_token", token.secret());
        m.put("token_type", "Bearer");
        m.put("scope", token.token().scopes());
        m.put("created_at", token.token().createdAt().getEpochSecond());
        return m;
    }
}
