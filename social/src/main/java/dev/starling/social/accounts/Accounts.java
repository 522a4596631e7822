package dev.starling.social.accounts;

import dev.starling.social.auth.Passwords;
import dev.starling.social.common.Outcome;
import dev.starling.social.common.Rejection;
import dev.starling.social.db.Database;
import dev.starling.social.db.DatabaseException;
import dev.starling.social.outbox.EventType;
import dev.starling.social.outbox.OutboxWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Accounts: sign-up, sign-in, profiles, passwords. Thread-safe; one instance per {@link Database}.
 *
 * <p>Sign-in ({@link #signIn}) accepts a username or an email and answers every failure with the
 * same {@link Rejection} ({@code UNAUTHORIZED, "invalid login or password"}) after the same Argon2
 * work, so it never reveals whether an account exists. A successful sign-in rehashes the password
 * when the configured Argon2 parameters changed.
 */
public final class Accounts {

    public static final Pattern USERNAME = Pattern.compile("[a-z0-9_]{1,30}", Pattern.CASE_INSENSITIVE);
    /** Pragmatic email check: one @, no spaces, a dot in the domain, at most 320 chars. */
    static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");
    public static final int MAX_DISPLAY_NAME = 30;
    public static final int MAX_NOTE = 500;
    public static final int MAX_AVATAR_URL = 2048;
    public static final String BAD_LOGIN = "invalid login or password";

    private final Database db;
    private final Passwords passwords;
    private final Clock clock;
    private final boolean trainingConsentDefault;

    /** Accounts whose new members do not consent to training until they opt in. */
    public Accounts(Database db, Passwords passwords, Clock clock) {
        this(db, passwords, clock, false);
    }

    /** {@code trainingConsentDefault}: the training consent every new account starts with (the operator's choice). */
    public Accounts(Database db, Passwords passwords, Clock clock, boolean trainingConsentDefault) {
        this.db = db;
        this.passwords = passwords;
        this.clock = clock;
        this.trainingConsentDefault = trainingConsentDefault;
    }

    /** The training consent new accounts start with. */
    public boolean trainingConsentDefault() {
        return trainingConsentDefault;
    }

    public Passwords passwords() {
        return passwords;
    }

    /** Creates an account; rejects a bad or taken username/email or a bad password. */
    public Outcome<Account> signUp(SignUp req) {
        Optional<Rejection> bad = validateSignUp(req);
        if (bad.isPresent()) {
            return Outcome.rejected(bad.get());
        }
        String hash = passwords.hash(req.password());
        return create(req.username(), req.email(), hash, req.displayName() == null ? "" : req.displayName(), req.locked());
    }

    /** Creates an account without a password (it cannot sign in until {@link #setPassword}): demo, assistant, imports. */
    public Outcome<Account> createWithoutPassword(String username, String email, String displayName, boolean locked) {
        Optional<Rejection> bad = validateIdentity(username, email, displayName);
        if (bad.isPresent()) {
            return Outcome.rejected(bad.get());
        }
        return create(username, email, null, displayName == null ? "" : displayName, locked);
    }

    private Outcome<Account> create(String username, String email, String hash, String displayName, boolean locked) {
        return db.inTransaction(c -> {
            if (exists(c, "SELECT 1 FROM accounts WHERE lower(username) = lower(?)", username)) {
                return Outcome.rejected(Rejection.Kind.CONFLICT, "username is already taken");
            }
            if (exists(c, "SELECT 1 FROM accounts WHERE lower(email) = lower(?)", email)) {
                return Outcome.rejected(Rejection.Kind.CONFLICT, "email is already taken");
            }
            long id;
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO accounts (id, username, email, password_hash, display_name, locked, created_at, updated_at,
                                          ai_training_consent, training_consent_changed_at)
                    VALUES (snowflake_id(?), ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""")) {
                Timestamp now = Timestamp.from(clock.instant());
                ps.setTimestamp(1, now);
                ps.setString(2, username);
                ps.setString(3, email);
                ps.setString(4, hash);
                ps.setString(5, displayName);
                ps.setBoolean(6, locked);
                ps.setTimestamp(7, now);
                ps.setTimestamp(8, now);
                ps.setBoolean(9, trainingConsentDefault);
                ps.setTimestamp(10, now);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            } catch (SQLException e) {
                if (DatabaseException.isUniqueViolation(e)) {
                    // A concurrent sign-up won the race for the same name or email.
                    c.rollback();
                    return Outcome.rejected(Rejection.Kind.CONFLICT, "username or email is already taken");
                }
                throw e;
            }
            OutboxWriter.append(c, EventType.ACCOUNT_CREATED, id, id, Map.of("username", username));
            return Outcome.ok(load(c, id).orElseThrow());
        });
    }

    /**
     * Signs in with a username or email and a password. Every failure gives the same rejection
     * after the same work (an Argon2 verification of a dummy hash when the account is missing).
     */
    public Outcome<Account> signIn(String login, String password) {
        if (login == null || password == null || login.length() > 320 || password.length() > 4 * Passwords.MAX_LENGTH) {
            passwords.verifyDummy("x");
            return Outcome.rejected(Rejection.Kind.UNAUTHORIZED, BAD_LOGIN);
        }
        record Row(long id, String hash) {
        }
        Row row = db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, password_hash FROM accounts WHERE lower(username) = lower(?) OR lower(email) = lower(?) ORDER BY id LIMIT 1")) {
                ps.setString(1, login.startsWith("@") ? login.substring(1) : login);
                ps.setString(2, login);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Row(rs.getLong(1), rs.getString(2)) : null;
                }
            }
        });
        boolean ok = passwords.verify(password, row == null ? null : row.hash());
        if (!ok) {
            return Outcome.rejected(Rejection.Kind.UNAUTHORIZED, BAD_LOGIN);
        }
        if (passwords.needsRehash(row.hash())) {
            String fresh = passwords.hash(password);
            db.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET password_hash = ? WHERE id = ? AND password_hash = ?")) {
                    ps.setString(1, fresh);
                    ps.setLong(2, row.id());
                    ps.setString(3, row.hash());
                    return ps.executeUpdate();
                }
            });
        }
        return Outcome.ok(byId(row.id()).orElseThrow());
    }

    /** Changes the password after checking the current one (the server must then revoke tokens). */
    public Outcome<Account> changePassword(long accountId, String currentPassword, String newPassword) {
        String hash = db.withConnection(c -> passwordHash(c, accountId));
        if (!passwords.verify(currentPassword, hash)) {
            return Outcome.rejected(Rejection.Kind.UNAUTHORIZED, "current password is wrong");
        }
        return setPassword(accountId, newPassword);
    }

    /** Sets a password without knowing the old one (admin tools, demo accounts). */
    public Outcome<Account> setPassword(long accountId, String newPassword) {
        Optional<Rejection> bad = Passwords.validate(newPassword);
        if (bad.isPresent()) {
            return Outcome.rejected(bad.get());
        }
        String fresh = passwords.hash(newPassword);
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ?")) {
                ps.setString(1, fresh);
                ps.setTimestamp(2, Timestamp.from(clock.instant()));
                ps.setLong(3, accountId);
                if (ps.executeUpdate() == 0) {
                    return Outcome.rejected(Rejection.Kind.NOT_FOUND, "account not found");
                }
            }
            return Outcome.ok(load(c, accountId).orElseThrow());
        });
    }

    /** Updates the profile (null fields unchanged); writes an account.updated outbox event. */
    public Outcome<Account> updateProfile(long accountId, ProfileUpdate u) {
        if (u.displayName() != null && u.displayName().codePointCount(0, u.displayName().length()) > MAX_DISPLAY_NAME) {
            return Outcome.rejected(Rejection.Kind.INVALID, "display_name is too long (maximum is " + MAX_DISPLAY_NAME + " characters)");
        }
        if (u.note() != null && u.note().codePointCount(0, u.note().length()) > MAX_NOTE) {
            return Outcome.rejected(Rejection.Kind.INVALID, "note is too long (maximum is " + MAX_NOTE + " characters)");
        }
        if (u.avatarUrl() != null && !u.avatarUrl().isEmpty() && !validUrl(u.avatarUrl())) {
            return Outcome.rejected(Rejection.Kind.INVALID, "avatar must be an http(s) URL of at most " + MAX_AVATAR_URL + " characters");
        }
        if (u.defaultVisibility() == dev.starling.social.posts.PostVisibility.DIRECT) {
            return Outcome.rejected(Rejection.Kind.INVALID, "default visibility must be one of public, unlisted, private (was direct)");
        }
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE accounts SET
                      display_name = coalesce(?, display_name),
                      note = coalesce(?, note),
                      avatar_url = CASE WHEN ?::text IS NULL THEN avatar_url WHEN ?::text = '' THEN NULL ELSE ?::text END,
                      locked = coalesce(?, locked),
                      bot = coalesce(?, bot),
                      ai_training_consent = coalesce(?, ai_training_consent),
                      training_consent_changed_at = CASE WHEN ?::boolean IS DISTINCT FROM ai_training_consent AND ?::boolean IS NOT NULL
                                                         THEN ? ELSE training_consent_changed_at END,
                      default_visibility = coalesce(?, default_visibility),
                      updated_at = ?
                    WHERE id = ?""")) {
                ps.setString(1, u.displayName());
                ps.setString(2, u.note());
                ps.setString(3, u.avatarUrl());
                ps.setString(4, u.avatarUrl());
                ps.setString(5, u.avatarUrl());
                ps.setObject(6, u.locked(), java.sql.Types.BOOLEAN);
                ps.setObject(7, u.bot(), java.sql.Types.BOOLEAN);
                ps.setObject(8, u.aiTrainingConsent(), java.sql.Types.BOOLEAN);
                ps.setObject(9, u.aiTrainingConsent(), java.sql.Types.BOOLEAN);
                ps.setObject(10, u.aiTrainingConsent(), java.sql.Types.BOOLEAN);
                Timestamp now = Timestamp.from(clock.instant());
                ps.setTimestamp(11, now);
                ps.setObject(12, u.defaultVisibility() == null ? null : (short) u.defaultVisibility().code(), java.sql.Types.SMALLINT);
                ps.setTimestamp(13, now);
                ps.setLong(14, accountId);
                if (ps.executeUpdate() == 0) {
                    return Outcome.rejected(Rejection.Kind.NOT_FOUND, "account not found");
                }
            }
            Map<String, Object> payload = new HashMap<>();
            if (u.aiTrainingConsent() != null) {
                payload.put("ai_training_consent", u.aiTrainingConsent());
            }
            if (u.locked() != null) {
                payload.put("locked", u.locked());
            }
            if (u.defaultVisibility() != null) {
                payload.put("default_visibility", u.defaultVisibility().mastodonName());
            }
            OutboxWriter.append(c, EventType.ACCOUNT_UPDATED, accountId, accountId, payload);
            if (Boolean.FALSE.equals(u.locked())) {
                acceptPendingRequests(c, accountId);
            }
            return Outcome.ok(load(c, accountId).orElseThrow());
        });
    }

    /** Unlocking an account accepts its pending follow requests, as Mastodon does. */
    private void acceptPendingRequests(Connection c, long accountId) throws SQLException {
        java.util.List<Long> requesters = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM follow_requests WHERE target_id = ? RETURNING requester_id")) {
            ps.setLong(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    requesters.add(rs.getLong(1));
                }
            }
        }
        Timestamp now = Timestamp.from(clock.instant());
        for (long r : requesters) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO follows (id, follower_id, followee_id, created_at) VALUES (snowflake_id(?), ?, ?, ?) ON CONFLICT DO NOTHING")) {
                ps.setTimestamp(1, now);
                ps.setLong(2, r);
                ps.setLong(3, accountId);
                ps.setTimestamp(4, now);
                if (ps.executeUpdate() == 1) {
                    dev.starling.social.notifications.NotificationWriter.notify(c, accountId,
                            dev.starling.social.notifications.NotificationType.FOLLOW, r, null, now.toInstant());
                    OutboxWriter.append(c, EventType.FOLLOWED, accountId, r, Map.of());
                }
            }
        }
    }

    /** The account's role; empty when there is no such account. */
    public Optional<Role> role(long accountId) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT role FROM accounts WHERE id = ?")) {
                ps.setLong(1, accountId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Role.fromCode(rs.getString(1))) : Optional.empty();
                }
            }
        });
    }

    /** True when the account exists and is an admin. */
    public boolean isAdmin(long accountId) {
        return role(accountId).orElse(Role.USER) == Role.ADMIN;
    }

    /**
     * Grants or removes a role (operator tools only: there is no HTTP endpoint for it). Writes an
     * account.updated outbox event with {@code {"role": code}} when the role changes; NOT_FOUND
     * when there is no such account. Returns the role now in effect.
     */
    public Outcome<Role> setRole(long accountId, Role role) {
        java.util.Objects.requireNonNull(role, "role");
        return db.inTransaction(c -> {
            String before;
            try (PreparedStatement ps = c.prepareStatement("SELECT role FROM accounts WHERE id = ? FOR UPDATE")) {
                ps.setLong(1, accountId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Outcome.rejected(Rejection.Kind.NOT_FOUND, "account " + accountId + " not found");
                    }
                    before = rs.getString(1);
                }
            }
            if (!before.equals(role.code())) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET role = ?, updated_at = ? WHERE id = ?")) {
                    ps.setString(1, role.code());
                    ps.setTimestamp(2, Timestamp.from(clock.instant()));
                    ps.setLong(3, accountId);
                    ps.executeUpdate();
                }
                OutboxWriter.append(c, EventType.ACCOUNT_UPDATED, accountId, accountId, Map.of("role", role.code()));
            }
            return Outcome.ok(role);
        });
    }

    /** Ids of the admin accounts, oldest first (at most {@code limit}, 1..1000). */
    public List<Long> admins(int limit) {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be 1..1000, was " + limit);
        }
        return db.withConnection(c -> {
            List<Long> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM accounts WHERE role = 'admin' ORDER BY id LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getLong(1));
                    }
                }
            }
            return out;
        });
    }

    public Optional<Account> byId(long id) {
        return db.withConnection(c -> load(c, id));
    }

    /** Case-insensitive; a leading '@' is ignored. */
    public Optional<Account> byUsername(String username) {
        if (username == null) {
            return Optional.empty();
        }
        String u = username.startsWith("@") ? username.substring(1) : username;
        if (!USERNAME.matcher(u).matches()) {
            return Optional.empty();
        }
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + AccountRows.COLUMNS + " FROM accounts a" + AccountRows.JOIN_STATS + "WHERE lower(a.username) = lower(?)")) {
                ps.setString(1, u);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(AccountRows.map(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Accounts by id, in the order of {@code ids}, missing ids skipped. At most 1000 ids. */
    public List<Account> byIds(Collection<Long> ids) {
        if (ids.size() > 1000) {
            throw new IllegalArgumentException("at most 1000 ids per lookup, got " + ids.size());
        }
        if (ids.isEmpty()) {
            return List.of();
        }
        return db.withConnection(c -> loadMany(c, ids));
    }

    /** Number of accounts (instance stats). */
    public long count() {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM accounts"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    // --- shared helpers (package-public for the other services of this module) ---

    public static Optional<Account> load(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + AccountRows.COLUMNS + " FROM accounts a" + AccountRows.JOIN_STATS + "WHERE a.id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(AccountRows.map(rs)) : Optional.empty();
            }
        }
    }

    public static List<Account> loadMany(Connection c, Collection<Long> ids) throws SQLException {
        Map<Long, Account> byId = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + AccountRows.COLUMNS + " FROM accounts a" + AccountRows.JOIN_STATS + "WHERE a.id = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Account a = AccountRows.map(rs);
                    byId.put(a.id(), a);
                }
            }
        }
        List<Account> out = new ArrayList<>(ids.size());
        for (Long id : ids) {
            Account a = byId.get(id);
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    private static String passwordHash(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT password_hash FROM accounts WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static boolean exists(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static Optional<Rejection> validateSignUp(SignUp req) {
        Optional<Rejection> id = validateIdentity(req.username(), req.email(), req.displayName());
        return id.isPresent() ? id : Passwords.validate(req.password());
    }

    static Optional<Rejection> validateIdentity(String username, String email, String displayName) {
        if (username == null || username.isEmpty()) {
            return Optional.of(new Rejection(Rejection.Kind.INVALID, "username is required"));
        }
        if (!USERNAME.matcher(username).matches()) {
            return Optional.of(new Rejection(Rejection.Kind.INVALID,
                    "username must be 1 to 30 letters, digits or underscores"));
        }
        if (email == null || email.length() > 320 || !EMAIL.matcher(email).matches()) {
            return Optional.of(new Rejection(Rejection.Kind.INVALID, "email is not a valid address"));
        }
        if (displayName != null && displayName.codePointCount(0, displayName.length()) > MAX_DISPLAY_NAME) {
            return Optional.of(new Rejection(Rejection.Kind.INVALID, "display_name is too long (maximum is " + MAX_DISPLAY_NAME + " characters)"));
        }
        return Optional.empty();
    }

    static boolean validUrl(String url) {
        String l = url.toLowerCase(Locale.ROOT);
        return url.length() <= MAX_AVATAR_URL && (l.startsWith("https://") || l.startsWith("http://")) && url.chars().noneMatch(Character::isWhitespace);
    }
}
