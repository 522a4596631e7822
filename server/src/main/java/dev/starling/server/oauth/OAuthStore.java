package dev.starling.server.oauth;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * OAuth applications, access tokens and authorization codes in PostgreSQL (tables of migration
 * V100). Only SHA-256 hashes of secrets are stored; the plain secret is returned once, on creation.
 */
public final class OAuthStore {
    /** How long an authorization code may be exchanged (RFC 6749 recommends at most 10 minutes). */
    public static final Duration CODE_LIFETIME = Duration.ofMinutes(10);

    public record Application(long id, String name, String website, List<String> redirectUris, String scopes, String clientId) {}

    /** A registered application with its client secret, which exists in plain text only here. */
    public record NewApplication(Application application, String clientSecret) {}

    /** An access token as found by its hash; {@code accountId} null for an app token. */
    public record AccessToken(long id, long applicationId, Long accountId, String scopes, Instant createdAt) {}

    public record NewToken(AccessToken token, String secret) {}

    public record AuthorizationCode(long applicationId, long accountId, String redirectUri, String scopes,
                                    String codeChallenge, String codeChallengeMethod) {}

    /** Live tokens of every store in the process (see {@link TokenCache}). */
    private static final TokenCache TOKENS = new TokenCache();

    private final DataSource dataSource;

    public OAuthStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public NewApplication createApplication(String name, String website, List<String> redirectUris, String scopes) throws SQLException {
        String clientId = Secrets.newSecret();
        String clientSecret = Secrets.newSecret();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO oauth_applications (name, website, redirect_uris, scopes, client_id, client_secret_hash) VALUES (?,?,?,?,?,?) RETURNING id")) {
            ps.setString(1, name);
            ps.setString(2, website);
            ps.setArray(3, c.createArrayOf("text", redirectUris.toArray()));
            ps.setString(4, scopes);
            ps.setString(5, clientId);
            ps.setBytes(6, Secrets.sha256(clientSecret));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new NewApplication(new Application(rs.getLong(1), name, website, List.copyOf(redirectUris), scopes, clientId), clientSecret);
            }
        }
    }

    public Optional<Application> applicationById(long id) throws SQLException {
        return findApplication("id = ?", ps -> ps.setLong(1, id));
    }

    public Optional<Application> applicationByClientId(String clientId) throws SQLException {
        return findApplication("client_id = ?", ps -> ps.setString(1, clientId));
    }

    /** The application when the client id exists and the secret matches (compared in constant time). */
    public Optional<Application> authenticateClient(String clientId, String clientSecret) throws SQLException {
        if (clientId == null || clientSecret == null) return Optional.empty();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, name, website, redirect_uris, scopes, client_id, client_secret_hash FROM oauth_applications WHERE client_id = ?")) {
            ps.setString(1, clientId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                if (!Secrets.constantTimeEquals(rs.getBytes(7), Secrets.sha256(clientSecret))) return Optional.empty();
                return Optional.of(application(rs));
            }
        }
    }

    private interface Binder { void bind(PreparedStatement ps) throws SQLException; }

    private Optional<Application> findApplication(String where, Binder binder) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, name, website, redirect_uris, scopes, client_id FROM oauth_applications WHERE " + where)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(application(rs)) : Optional.empty();
            }
        }
    }

    private static Application application(ResultSet rs) throws SQLException {
        Array uris = rs.getArray(4);
        List<String> list = new ArrayList<>(List.of((String[]) uris.getArray()));
        return new Application(rs.getLong(1), rs.getString(2), rs.getString(3), list, rs.getString(5), rs.getString(6));
    }

    public NewToken createToken(long applicationId, Long accountId, String scopes) throws SQLException {
        String secret = Secrets.newSecret();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO oauth_access_tokens (token_hash, application_id, account_id, scopes) VALUES (?,?,?,?) RETURNING id, created_at")) {
            ps.setBytes(1, Secrets.sha256(secret));
            ps.setLong(2, applicationId);
            if (accountId == null) ps.setNull(3, java.sql.Types.BIGINT); else ps.setLong(3, accountId);
            ps.setString(4, scopes);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new NewToken(new AccessToken(rs.getLong(1), applicationId, accountId, scopes, rs.getTimestamp(2).toInstant()), secret);
            }
        }
    }

    /** The live (not revoked) token with this secret (from {@link TokenCache} when it was looked up before). */
    public Optional<AccessToken> findToken(String secret) throws SQLException {
        byte[] hash = Secrets.sha256(secret);
        Optional<AccessToken> cached = TOKENS.get(dataSource, hash);
        if (cached.isPresent()) return cached;
        long generation = TOKENS.generation();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, application_id, account_id, scopes, created_at FROM oauth_access_tokens WHERE token_hash = ? AND revoked_at IS NULL")) {
            ps.setBytes(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                long account = rs.getLong(3);
                Long accountId = rs.wasNull() ? null : account;
                AccessToken token = new AccessToken(rs.getLong(1), rs.getLong(2), accountId, rs.getString(4), rs.getTimestamp(5).toInstant());
                TOKENS.put(dataSource, hash, token, generation);
                return Optional.of(token);
            }
        }
    }

    /**
     * Caches a token as live without reading the database, as {@link #findToken} does after it read one: for the load
     * benchmark's ceiling server ({@code starling loadbench ceiling}), which has no database and accepts the tokens the
     * seeded network issued. The entry expires as every cached token does (after five minutes), and a revocation in
     * this process removes it.
     */
    public void cacheLiveToken(String secret, AccessToken token) {
        TOKENS.put(dataSource, Secrets.sha256(secret), token, TOKENS.generation());
    }

    /** Revokes the token with this secret when it belongs to the application; true when one was revoked. */
    public boolean revokeToken(String secret, long applicationId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE oauth_access_tokens SET revoked_at = now() WHERE token_hash = ? AND application_id = ? AND revoked_at IS NULL")) {
            byte[] hash = Secrets.sha256(secret);
            ps.setBytes(1, hash);
            ps.setLong(2, applicationId);
            boolean revoked = ps.executeUpdate() > 0;
            if (revoked) TOKENS.revoked(dataSource, hash);
            return revoked;
        }
    }

    /** Revokes every token of an account (password change); returns how many. */
    public int revokeAllForAccount(long accountId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE oauth_access_tokens SET revoked_at = now() WHERE account_id = ? AND revoked_at IS NULL")) {
            ps.setLong(1, accountId);
            int n = ps.executeUpdate();
            TOKENS.revokedAccount(dataSource, accountId);
            return n;
        }
    }

    public String createAuthorizationCode(AuthorizationCode code) throws SQLException {
        String secret = Secrets.newSecret();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO oauth_authorization_codes (code_hash, application_id, account_id, redirect_uri, scopes, code_challenge, code_challenge_method, expires_at) VALUES (?,?,?,?,?,?,?,?)")) {
            ps.setBytes(1, Secrets.sha256(secret));
            ps.setLong(2, code.applicationId());
            ps.setLong(3, code.accountId());
            ps.setString(4, code.redirectUri());
            ps.setString(5, code.scopes());
            ps.setString(6, code.codeChallenge());
            ps.setString(7, code.codeChallengeMethod());
            ps.setTimestamp(8, Timestamp.from(Instant.now().plus(CODE_LIFETIME)));
            ps.executeUpdate();
        }
        return secret;
    }

    /**
     * Marks the code used and returns it, once: a second exchange, an expired code or an unknown
     * one give empty (RFC 6749 4.1.2: codes are single-use).
     */
    public Optional<AuthorizationCode> consumeAuthorizationCode(String secret) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE oauth_authorization_codes SET used_at = now() WHERE code_hash = ? AND used_at IS NULL AND expires_at > now() RETURNING application_id, account_id, redirect_uri, scopes, code_challenge, code_challenge_method")) {
            ps.setBytes(1, Secrets.sha256(secret));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                return Optional.of(new AuthorizationCode(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)));
            }
        }
    }
}
