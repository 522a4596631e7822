package dev.starling.server.web.session;

import dev.starling.server.oauth.Secrets;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.Accounts;
import dev.starling.social.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The web app's sign-in sessions (table {@code web_sessions}, migration V101). A session is a
 * 256-bit random secret held by the browser in an HttpOnly cookie; the database keeps only its
 * SHA-256. A session is live while it is not revoked, not expired ({@link #LIFETIME} after sign-in)
 * and the account's password is the one it was made with: changing the password anywhere (web
 * settings or the Mastodon API) ends every session of the account without anyone calling
 * {@link #revokeAll}, though callers that change it should still call it.
 */
public final class WebSessions {
    /** How long a session lives after sign-in. */
    public static final Duration LIFETIME = Duration.ofDays(30);
    /** Longest user agent kept (for a future "your sessions" list). */
    public static final int MAX_USER_AGENT_CHARS = 300;
    /** Live sessions one account may hold; signing in beyond it ends the oldest. */
    public static final int MAX_LIVE_SESSIONS_PER_ACCOUNT = 50;
    /** Ended (expired or revoked) sessions are deleted this long after they ended, when the account next signs in. */
    public static final Duration KEEP_ENDED = Duration.ofDays(7);

    private static final String STAMP = "sha256(convert_to(coalesce(a.password_hash, ''), 'UTF8'))";

    /** A live session: its row id, whose it is, and when it ends. */
    public record Session(long id, long accountId, Instant expiresAt) {}

    private final Database db;
    private final Clock clock;

    public WebSessions(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * Starts a session for an account that just proved its password; returns the cookie secret.
     * Also deletes the account's sessions that ended more than {@link #KEEP_ENDED} ago and ends the
     * oldest live ones beyond {@link #MAX_LIVE_SESSIONS_PER_ACCOUNT}, so the table stays bounded.
     */
    public String create(long accountId, String userAgent) {
        String secret = Secrets.newSecret();
        Instant now = clock.instant();
        String agent = userAgent == null ? null : userAgent.substring(0, Math.min(userAgent.length(), MAX_USER_AGENT_CHARS));
        int rows = db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM web_sessions WHERE account_id = ? AND (revoked_at < ? OR expires_at < ?)")) {
                ps.setLong(1, accountId);
                ps.setTimestamp(2, Timestamp.from(now.minus(KEEP_ENDED)));
                ps.setTimestamp(3, Timestamp.from(now.minus(KEEP_ENDED)));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE web_sessions SET revoked_at = ? WHERE id IN (SELECT id FROM web_sessions WHERE account_id = ? "
                            + "AND revoked_at IS NULL AND expires_at > ? ORDER BY id DESC OFFSET ?)")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setLong(2, accountId);
                ps.setTimestamp(3, Timestamp.from(now));
                ps.setInt(4, MAX_LIVE_SESSIONS_PER_ACCOUNT - 1);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO web_sessions (token_hash, account_id, password_stamp, user_agent, created_at, expires_at) "
                            + "SELECT ?, a.id, " + STAMP + ", ?, ?, ? FROM accounts a WHERE a.id = ?")) {
                ps.setBytes(1, Secrets.sha256(secret));
                ps.setString(2, agent);
                ps.setTimestamp(3, Timestamp.from(now));
                ps.setTimestamp(4, Timestamp.from(now.plus(LIFETIME)));
                ps.setLong(5, accountId);
                return ps.executeUpdate();
            }
        });
        if (rows != 1) throw new IllegalArgumentException("no account " + accountId + " to start a session for");
        return secret;
    }

    /** The live session this cookie secret names, if any. */
    public Optional<Session> find(String secret) {
        if (secret == null || secret.isEmpty() || secret.length() > 100) return Optional.empty();
        return db.withConnection(c -> find(c, secret));
    }

    /** The account of the live session this cookie secret names, read on one connection (every page asks this). */
    public Optional<Account> findAccount(String secret) {
        if (secret == null || secret.isEmpty() || secret.length() > 100) return Optional.empty();
        return db.withConnection(c -> {
            Optional<Session> s = find(c, secret);
            return s.isEmpty() ? Optional.<Account>empty() : Accounts.load(c, s.get().accountId());
        });
    }

    private Optional<Session> find(Connection c, String secret) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT s.id, s.account_id, s.expires_at FROM web_sessions s JOIN accounts a ON a.id = s.account_id "
                        + "WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND s.password_stamp = " + STAMP)) {
            ps.setBytes(1, Secrets.sha256(secret));
            ps.setTimestamp(2, Timestamp.from(clock.instant()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Session(rs.getLong(1), rs.getLong(2), rs.getTimestamp(3).toInstant())) : Optional.empty();
            }
        }
    }

    /** Ends the session this secret names (sign-out); false when it was not live. */
    public boolean revoke(String secret) {
        if (secret == null || secret.isEmpty() || secret.length() > 100) return false;
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE web_sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL")) {
                ps.setTimestamp(1, Timestamp.from(clock.instant()));
                ps.setBytes(2, Secrets.sha256(secret));
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** Ends every session of an account (password change, "sign out everywhere"); returns how many. */
    public int revokeAll(long accountId) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE web_sessions SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL")) {
                ps.setTimestamp(1, Timestamp.from(clock.instant()));
                ps.setLong(2, accountId);
                return ps.executeUpdate();
            }
        });
    }
}
