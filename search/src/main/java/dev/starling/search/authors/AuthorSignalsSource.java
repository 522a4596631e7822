package dev.starling.search.authors;

import dev.starling.social.db.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@link AuthorSignals} read from the database (accounts' follower counts and creation times),
 * reloaded at most every {@code maxAgeMillis}: Top ranking reads a snapshot that is at most that
 * old, and no query waits for the database except the first one after the snapshot expires.
 * Only accounts with at least one follower are loaded (every other author's factor is 1), at most
 * {@value #MAX_ACCOUNTS}, those with the most followers first. Thread-safe.
 */
public final class AuthorSignalsSource implements Supplier<AuthorSignals> {

    public static final int MAX_ACCOUNTS = 2_000_000;

    private final Database db;
    private final Clock clock;
    private final long maxAgeMillis;
    private volatile AuthorSignals current;
    private volatile long loadedAtMillis = Long.MIN_VALUE;

    public AuthorSignalsSource(Database db, Clock clock, long maxAgeMillis) {
        if (maxAgeMillis < 0) {
            throw new IllegalArgumentException("maxAgeMillis must be >= 0, was " + maxAgeMillis);
        }
        this.db = db;
        this.clock = clock;
        this.maxAgeMillis = maxAgeMillis;
    }

    /** Reloads at most once a minute. */
    public AuthorSignalsSource(Database db) {
        this(db, Clock.systemUTC(), 60_000);
    }

    @Override
    public AuthorSignals get() {
        long now = clock.millis();
        AuthorSignals s = current;
        if (s != null && now - loadedAtMillis < maxAgeMillis) {
            return s;
        }
        synchronized (this) {
            if (current != null && now - loadedAtMillis < maxAgeMillis) {
                return current;
            }
            current = load(now);
            loadedAtMillis = now;
            return current;
        }
    }

    private AuthorSignals load(long nowMillis) {
        Map<Long, AuthorSignals.AuthorStats> stats = db.withConnection(c -> {
            Map<Long, AuthorSignals.AuthorStats> m = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT a.id, s.followers_count, a.created_at FROM accounts a JOIN account_stats s ON s.account_id = a.id
                    WHERE s.followers_count > 0 ORDER BY s.followers_count DESC LIMIT ?""")) {
                ps.setInt(1, MAX_ACCOUNTS);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        m.put(rs.getLong(1), new AuthorSignals.AuthorStats(rs.getLong(2), rs.getTimestamp(3).getTime()));
                    }
                }
            }
            return m;
        });
        return AuthorSignals.of(stats, nowMillis);
    }
}
