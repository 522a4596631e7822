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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores what the counters hold ({@link TrendScoring}) and writes the result to {@code trend_scores} and
 * {@code trend_statuses}; run on a schedule ({@link TrendScheduler}), never per request. Windows are aligned to hour
 * buckets: the current window is the hour in progress and the {@code windowHours - 1} before it.
 */
public final class TrendRefresh {

    /** Scoring settings per kind and for posts. */
    public record Settings(TrendScoring.Settings tags, TrendScoring.Settings links, TrendScoring.Settings phrases,
                           TrendScoring.StatusSettings statuses) {
        public static Settings defaults() {
            return new Settings(TrendScoring.Settings.tags(), TrendScoring.Settings.links(), TrendScoring.Settings.tags(),
                    TrendScoring.StatusSettings.defaults());
        }

        public Settings withMinAccounts(int n) {
            return new Settings(tags.withMinAccounts(n), links.withMinAccounts(n), phrases.withMinAccounts(n), statuses);
        }

        public TrendScoring.Settings of(TrendKind k) {
            return switch (k) {
                case TAG -> tags;
                case LINK -> links;
                case PHRASE -> phrases;
            };
        }

        /** The longest history any kind needs (what the counters must keep). */
        public Duration retention() {
            Duration d = tags.retention();
            for (Duration x : List.of(links.retention(), phrases.retention())) {
                if (x.compareTo(d) > 0) {
                    d = x;
                }
            }
            return d;
        }
    }

    /** What one refresh found. */
    public record Result(Map<TrendKind, Integer> trending, int statuses, int scored, long millis) {
    }

    /** At most this many candidates per kind are scored per refresh (the ones with most accounts). */
    public static final int MAX_CANDIDATES = 5000;

    private final Database db;
    private final Clock clock;
    private final Settings settings;

    public TrendRefresh(Database db, Clock clock, Settings settings) {
        this.db = db;
        this.clock = clock;
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    public Result refresh() {
        return refresh(clock.instant());
    }

    public Result refresh(Instant now) {
        long t0 = System.nanoTime();
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM trend_uses WHERE hour < ?")) {
                ps.setTimestamp(1, Timestamp.from(now.truncatedTo(ChronoUnit.HOURS).minus(settings.retention())));
                ps.executeUpdate();
            }
            Map<TrendKind, Integer> trending = new LinkedHashMap<>();
            int scored = 0;
            for (TrendKind k : TrendKind.values()) {
                Map<String, Scored> results = score(c, k, settings.of(k), now);
                if (k == TrendKind.PHRASE) {
                    dedupePhrases(results);
                }
                write(c, k, results, now);
                scored += results.size();
                trending.put(k, (int) results.values().stream().filter(s -> s.step.trending()).count());
            }
            int statuses = refreshStatuses(c, now);
            return new Result(trending, statuses, scored, (System.nanoTime() - t0) / 1_000_000);
        });
    }

    private record Scored(int accounts, int uses, TrendScoring.Step step) {
    }

    private Map<String, Scored> score(Connection c, TrendKind kind, TrendScoring.Settings s, Instant now) throws SQLException {
        Instant end = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        Instant windowStart = end.minus(Duration.ofHours(s.windowHours()));
        Instant historyStart = end.minus(Duration.ofHours((long) s.windowHours() * (s.historyWindows() + 1)));
        // Candidates: enough distinct accounts in the current window, or a remembered peak to decay.
        Map<String, int[]> windows = new HashMap<>(); // term -> accounts per window (0 = current)
        Map<String, Integer> uses = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                WITH cand AS (
                  (SELECT term FROM trend_uses WHERE kind = ? AND hour >= ? GROUP BY term
                   HAVING count(DISTINCT account_id) >= ? ORDER BY count(DISTINCT account_id) DESC, term LIMIT ?)
                  UNION SELECT term FROM trend_scores WHERE kind = ?)
                SELECT u.term, ((extract(epoch FROM (?::timestamptz - u.hour)) / 3600)::int - 1) / ? AS win,
                       count(DISTINCT u.account_id), count(*)
                FROM trend_uses u JOIN cand ON cand.term = u.term
                WHERE u.kind = ? AND u.hour >= ? AND u.hour < ?
                GROUP BY u.term, win""")) {
            ps.setInt(1, kind.code());
            ps.setTimestamp(2, Timestamp.from(windowStart));
            ps.setInt(3, s.minAccounts());
            ps.setInt(4, MAX_CANDIDATES);
            ps.setInt(5, kind.code());
            ps.setTimestamp(6, Timestamp.from(end));
            ps.setInt(7, s.windowHours());
            ps.setInt(8, kind.code());
            ps.setTimestamp(9, Timestamp.from(historyStart));
            ps.setTimestamp(10, Timestamp.from(end));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int win = rs.getInt(2);
                    if (win < 0 || win > s.historyWindows()) {
                        continue;
                    }
                    windows.computeIfAbsent(rs.getString(1), t -> new int[s.historyWindows() + 1])[win] = rs.getInt(3);
                    if (win == 0) {
                        uses.put(rs.getString(1), rs.getInt(4));
                    }
                }
            }
        }
        Map<String, TrendScoring.Peak> peaks = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT term, max_score, max_score_at FROM trend_scores WHERE kind = ?")) {
            ps.setInt(1, kind.code());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    peaks.put(rs.getString(1), new TrendScoring.Peak(rs.getDouble(2), rs.getTimestamp(3).toInstant()));
                    windows.computeIfAbsent(rs.getString(1), t -> new int[s.historyWindows() + 1]);
                }
            }
        }
        Map<String, Scored> out = new LinkedHashMap<>();
        for (var e : windows.entrySet()) {
            int[] w = e.getValue();
            int[] history = java.util.Arrays.copyOfRange(w, 1, w.length);
            TrendScoring.Step step = TrendScoring.step(w[0], history, peaks.getOrDefault(e.getKey(), TrendScoring.Peak.NONE), now, s);
            out.put(e.getKey(), new Scored(w[0], uses.getOrDefault(e.getKey(), 0), step));
        }
        return out;
    }

    /**
     * A trending 2-word phrase inside a trending 3-word phrase used by at least 80% as many accounts is the same
     * conversation: only the longer phrase trends.
     */
    private static void dedupePhrases(Map<String, Scored> results) {
        Map<String, Integer> trending = new HashMap<>();
        results.forEach((t, s) -> {
            if (s.step.trending()) {
                trending.put(t, s.accounts);
            }
        });
        for (String t : PhraseDedup.subsumed(trending)) {
            Scored s = results.get(t);
            TrendScoring.Step st = s.step;
            results.put(t, new Scored(s.accounts, s.uses, new TrendScoring.Step(st.rawScore(), st.expected(), st.peak(), st.score(), false)));
        }
    }

    private void write(Connection c, TrendKind kind, Map<String, Scored> results, Instant now) throws SQLException {
        TrendScoring.Settings s = settings.of(kind);
        Instant forgetBefore = now.minus(s.maxScoreCooldown());
        try (PreparedStatement up = c.prepareStatement("""
                INSERT INTO trend_scores (kind, term, max_score, max_score_at, score, accounts, uses, expected, trending, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (kind, term) DO UPDATE SET max_score = excluded.max_score, max_score_at = excluded.max_score_at,
                  score = excluded.score, accounts = excluded.accounts, uses = excluded.uses, expected = excluded.expected,
                  trending = excluded.trending, updated_at = excluded.updated_at""");
             PreparedStatement del = c.prepareStatement("DELETE FROM trend_scores WHERE kind = ? AND term = ?")) {
            for (var e : results.entrySet()) {
                TrendScoring.Step st = e.getValue().step;
                boolean keep = st.peak().maxScoreAt() != null && st.peak().maxScore() > 0
                        && (st.trending() || !st.peak().maxScoreAt().isBefore(forgetBefore));
                if (!keep) {
                    del.setInt(1, kind.code());
                    del.setString(2, e.getKey());
                    del.addBatch();
                    continue;
                }
                up.setInt(1, kind.code());
                up.setString(2, e.getKey());
                up.setDouble(3, st.peak().maxScore());
                up.setTimestamp(4, Timestamp.from(st.peak().maxScoreAt()));
                up.setDouble(5, st.score());
                up.setInt(6, e.getValue().accounts);
                up.setInt(7, e.getValue().uses);
                up.setDouble(8, st.expected());
                up.setBoolean(9, st.trending());
                up.setTimestamp(10, Timestamp.from(now));
                up.addBatch();
            }
            up.executeBatch();
            del.executeBatch();
        }
    }

    /** Mastodon's eligible posts: public originals that are not replies, not sensitive and without a content warning. */
    private int refreshStatuses(Connection c, Instant now) throws SQLException {
        TrendScoring.StatusSettings s = settings.statuses();
        List<long[]> rows = new ArrayList<>();
        List<Instant> created = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT p.id, p.created_at, st.reblogs_count + st.favourites_count FROM posts p JOIN post_stats st ON st.post_id = p.id
                WHERE p.visibility = 0 AND p.reblog_of_id IS NULL AND p.in_reply_to_id IS NULL AND NOT p.sensitive
                  AND p.spoiler_text = '' AND p.created_at >= ? AND p.created_at <= ?
                  AND st.reblogs_count + st.favourites_count >= ?""")) {
            ps.setTimestamp(1, Timestamp.from(now.minus(s.maxAge())));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setLong(3, s.minInteractions());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new long[] {rs.getLong(1), rs.getLong(3)});
                    created.add(rs.getTimestamp(2).toInstant());
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM trend_statuses")) {
            ps.executeUpdate();
        }
        int n = 0;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO trend_statuses (post_id, score, updated_at) VALUES (?, ?, ?)")) {
            for (int i = 0; i < rows.size(); i++) {
                double score = TrendScoring.statusScore(rows.get(i)[1], created.get(i), now, s);
                if (score >= s.decayThreshold()) {
                    ps.setLong(1, rows.get(i)[0]);
                    ps.setDouble(2, score);
                    ps.setTimestamp(3, Timestamp.from(now));
                    ps.addBatch();
                    n++;
                }
            }
            ps.executeBatch();
        }
        return n;
    }
}
