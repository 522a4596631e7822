package dev.starling.ai.trends;

import dev.starling.social.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what the last refresh found: trending items by kind (hidden ones never), trending post ids, and the public
 * posts behind an item. Cheap indexed reads, safe per request.
 */
public final class TrendLists {

    public static final int MAX_LIMIT = 100;
    public static final int MAX_OFFSET = 10_000;
    public static final int HISTORY_DAYS = 7;

    private final Database db;
    private final Clock clock;

    public TrendLists(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Trending items of {@code kind}, best first, not hidden, with 7 days of history. */
    public List<TrendItem> items(TrendKind kind, int offset, int limit) {
        checkPage(offset, limit);
        return db.withConnection(c -> {
            List<Object[]> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT s.term, s.score, s.accounts, s.uses FROM trend_scores s
                    WHERE s.kind = ? AND s.trending
                      AND NOT EXISTS (SELECT 1 FROM trend_hidden h WHERE h.kind = s.kind AND h.term = s.term)
                    ORDER BY s.score DESC, s.term LIMIT ? OFFSET ?""")) {
                ps.setInt(1, kind.code());
                ps.setInt(2, limit);
                ps.setInt(3, offset);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Object[] {rs.getString(1), rs.getDouble(2), rs.getInt(3), rs.getInt(4)});
                    }
                }
            }
            Map<String, List<TrendItem.Day>> history = history(c, kind, rows.stream().map(r -> (String) r[0]).toList());
            List<TrendItem> out = new ArrayList<>();
            for (Object[] r : rows) {
                out.add(new TrendItem(kind, (String) r[0], (double) r[1], (int) r[2], (int) r[3], history.getOrDefault((String) r[0], List.of())));
            }
            return out;
        });
    }

    /** Ids of trending posts, best first (the caller still applies the viewer's visibility when it loads them). */
    public List<Long> statusIds(int offset, int limit) {
        checkPage(offset, limit);
        return db.withConnection(c -> {
            List<Long> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT t.post_id FROM trend_statuses t JOIN posts p ON p.id = t.post_id AND p.visibility = 0
                    ORDER BY t.score DESC, t.post_id DESC LIMIT ? OFFSET ?""")) {
                ps.setInt(1, limit);
                ps.setInt(2, offset);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getLong(1));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Up to {@code limit} public original posts that use the item within the last {@code withinHours}, newest first,
     * at most one per author (the voice of many, not of one), checked against the posts table as it is now.
     */
    public List<Long> postsOf(TrendKind kind, String term, int withinHours, int limit) {
        checkPage(0, limit);
        return db.withConnection(c -> {
            List<Long> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT post_id FROM (
                      SELECT DISTINCT ON (u.account_id) u.post_id FROM trend_uses u
                      JOIN posts p ON p.id = u.post_id AND p.visibility = 0 AND p.reblog_of_id IS NULL
                      WHERE u.kind = ? AND u.term = ? AND u.hour >= ?
                      ORDER BY u.account_id, u.post_id DESC) x
                    ORDER BY post_id DESC LIMIT ?""")) {
                ps.setInt(1, kind.code());
                ps.setString(2, term);
                ps.setTimestamp(3, Timestamp.from(clock.instant().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(withinHours - 1L))));
                ps.setInt(4, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getLong(1));
                    }
                }
            }
            return out;
        });
    }

    private Map<String, List<TrendItem.Day>> history(Connection c, TrendKind kind, List<String> terms) throws SQLException {
        Map<String, List<TrendItem.Day>> out = new HashMap<>();
        if (terms.isEmpty()) {
            return out;
        }
        Instant today = clock.instant().truncatedTo(ChronoUnit.DAYS);
        Map<String, Map<Instant, int[]>> found = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT term, date_trunc('day', hour AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', count(DISTINCT account_id), count(*)
                FROM trend_uses WHERE kind = ? AND term = ANY(?) AND hour >= ? GROUP BY 1, 2""")) {
            ps.setInt(1, kind.code());
            ps.setArray(2, c.createArrayOf("text", terms.toArray()));
            ps.setTimestamp(3, Timestamp.from(today.minus(Duration.ofDays(HISTORY_DAYS - 1))));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.computeIfAbsent(rs.getString(1), t -> new HashMap<>()).put(rs.getTimestamp(2).toInstant(), new int[] {rs.getInt(3), rs.getInt(4)});
                }
            }
        }
        for (String t : terms) {
            List<TrendItem.Day> days = new ArrayList<>();
            for (int d = 0; d < HISTORY_DAYS; d++) {
                Instant day = today.minus(Duration.ofDays(d));
                int[] v = found.getOrDefault(t, Map.of()).getOrDefault(day, new int[2]);
                days.add(new TrendItem.Day(day, v[0], v[1]));
            }
            out.put(t, days);
        }
        return out;
    }

    static void checkPage(int offset, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", was " + limit);
        }
        if (offset < 0 || offset > MAX_OFFSET) {
            throw new IllegalArgumentException("offset must be 0.." + MAX_OFFSET + ", was " + offset);
        }
    }
}
