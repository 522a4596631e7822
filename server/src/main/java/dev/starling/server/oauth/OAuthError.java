package dev.starling.server.oauth;

import dev.starling.server.http.ApiException;
import java.util.Map;

/** RFC 6749 section 5.2 error responses ({@code error} + {@code error_description}), as Doorkeeper sends them. */
final class OAuthError {
    private OAuthError() {}

    static ApiException invalidRequest(String description) {
        return new ApiException(400, "invalid_request", Map.of("error_description", description), Map.of());
    }

    static ApiException invalidClient() {
        return new ApiException(401, "invalid_client", Map.of("error_description",
                "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."),
                Map.of("WWW-Authenticate", "Bearer realm=\"Starling\", error=\"invalid_client\""));
    }

    static ApiException invalidGrant(String description) {
        return new ApiException(400, "invalid_grant", Map.of("error_description", description), Map.of());
    }

    static ApiException invalidScope(String description) {
        return new ApiException(400, "invalid_scope", Map.of("error_description", description), Map.of());
    }

    static ApiException unsupportedGrantType(String grantType) {
        return new ApiException(400, "unsupported_grant_type", Map.of("error_description",
                "The authorization grant type '" + grantType + "' is not supported: use authorization_code, client_credentials or password."), Map.of());
    }
}
