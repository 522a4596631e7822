package dev.starling.search.tags;

import dev.starling.social.db.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Mastodon's {@code history} of a Tag entity: for each of the last {@value #DAYS} UTC days, newest
 * first and today included, how many posts used the tag ({@code uses}) and how many distinct
 * accounts posted them ({@code accounts}). Counted from public original posts only (the same
 * posts hashtag search counts), so the figures reveal nothing about followers-only or direct
 * posts. Days without a use are present with zeros, as Mastodon shows them.
 */
public final class HashtagHistory {

    public static final int DAYS = 7;
    /** Tags per call (one query for a whole page of hashtag results). */
    public static final int MAX_TAGS = 100;
    public static final int MAX_TAG_CHARS = 200;

    /** One day: {@code day} is the UTC date; {@link #dayEpochSeconds()} is how Mastodon writes it. */
    public record Day(LocalDate day, long uses, long accounts) {
        public long dayEpochSeconds() {
            return day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        }

        /** Mastodon's JSON: {@code {"day": "1574553600", "uses": "200", "accounts": "31"}} (strings, as Mastodon sends them). */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("day", Long.toString(dayEpochSeconds()));
            m.put("uses", Long.toString(uses));
            m.put("accounts", Long.toString(accounts));
            return m;
        }
    }

    private final Database db;

    public HashtagHistory(Database db) {
        this.db = db;
    }

    /**
     * The history of each tag (lower case, no '#'; other spellings are normalised the same way) as
     * of {@code now}: a map in the order of {@code tags}, each with {@value #DAYS} days, newest first.
     */
    public Map<String, List<Day>> history(Collection<String> tags, Instant now) {
        Set<String> names = new LinkedHashSet<>();
        for (String t : tags) {
            String n = t.strip();
            n = (n.startsWith("#") ? n.substring(1) : n).toLowerCase(Locale.ROOT);
            if (n.isEmpty() || n.length() > MAX_TAG_CHARS) {
                throw new IllegalArgumentException("a tag must have 1.." + MAX_TAG_CHARS + " characters, got '" + t + "'");
            }
            names.add(n);
        }
        if (names.size() > MAX_TAGS) {
            throw new IllegalArgumentException("at most " + MAX_TAGS + " tags per call, got " + names.size());
        }
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate first = today.minusDays(DAYS - 1);
        Map<String, Map<LocalDate, long[]>> counts = new HashMap<>();
        if (!names.isEmpty()) {
            db.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement("""
                        SELECT t.tag, (p.created_at AT TIME ZONE 'UTC')::date AS day, count(*), count(DISTINCT p.author_id)
                        FROM post_tags t JOIN posts p ON p.id = t.post_id
                        WHERE t.tag = ANY(?) AND p.visibility = 0 AND p.reblog_of_id IS NULL AND p.created_at >= ? AND p.created_at <= ?
                        GROUP BY 1, 2""")) {
                    ps.setArray(1, c.createArrayOf("text", names.toArray()));
                    ps.setTimestamp(2, Timestamp.from(first.atStartOfDay(ZoneOffset.UTC).toInstant()));
                    ps.setTimestamp(3, Timestamp.from(now));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            counts.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                                    .put(rs.getObject(2, LocalDate.class), new long[] {rs.getLong(3), rs.getLong(4)});
                        }
                    }
                }
                return null;
            });
        }
        Map<String, List<Day>> out = new LinkedHashMap<>();
        for (String n : names) {
            Map<LocalDate, long[]> byDay = counts.getOrDefault(n, Map.of());
            List<Day> days = new ArrayList<>(DAYS);
            for (int i = 0; i < DAYS; i++) {
                LocalDate d = today.minusDays(i);
                long[] k = byDay.getOrDefault(d, new long[2]);
                days.add(new Day(d, k[0], k[1]));
            }
            out.put(n, List.copyOf(days));
        }
        return out;
    }
}
