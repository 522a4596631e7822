package dev.starling.ai.trends;

import dev.starling.social.db.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An operator's decisions about trends: a hidden tag, link or phrase never shows in the lists (and never in a story's
 * items), a hidden story never shows. The caller checks that the actor is an admin; this records who did it.
 */
public final class TrendModeration {

    /** A hidden item. */
    public record Hidden(TrendKind kind, String term, Long hiddenBy, Instant hiddenAt) {
    }

    private final Database db;

    public TrendModeration(Database db) {
        this.db = db;
    }

    /** Hides an item (idempotent); the term is normalized as the counters store it. Returns the stored term. */
    public String hide(TrendKind kind, String term, long adminId) {
        String key = normalize(kind, term);
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO trend_hidden (kind, term, hidden_by) VALUES (?, ?, ?) ON CONFLICT (kind, term) DO NOTHING")) {
                ps.setInt(1, kind.code());
                ps.setString(2, key);
                ps.setLong(3, adminId);
                return ps.executeUpdate();
            }
        });
        return key;
    }

    /** Shows a hidden item again; false when it was not hidden. */
    public boolean unhide(TrendKind kind, String term) {
        String key = normalize(kind, term);
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM trend_hidden WHERE kind = ? AND term = ?")) {
                ps.setInt(1, kind.code());
                ps.setString(2, key);
                return ps.executeUpdate() > 0;
            }
        });
    }

    public List<Hidden> hidden() {
        return db.withConnection(c -> {
            List<Hidden> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT kind, term, hidden_by, hidden_at FROM trend_hidden ORDER BY hidden_at DESC, term");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long by = rs.getLong(3);
                    out.add(new Hidden(TrendKind.fromCode(rs.getInt(1)), rs.getString(2), rs.wasNull() ? null : by, rs.getTimestamp(4).toInstant()));
                }
            }
            return out;
        });
    }

    /** Hides a story; false when there is no such story. */
    public boolean hideStory(long storyId, long adminId) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE trend_stories SET hidden_by = ?, hidden_at = coalesce(hidden_at, now()) WHERE id = ?")) {
                ps.setLong(1, adminId);
                ps.setLong(2, storyId);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** Shows a hidden story again; false when there is no such story. */
    public boolean unhideStory(long storyId) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE trend_stories SET hidden_by = NULL, hidden_at = NULL WHERE id = ?")) {
                ps.setLong(1, storyId);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /**
     * The key the counters use for {@code term}: a tag without '#' lower-cased, a normalized link, a phrase
     * lower-cased with single spaces. Rejects an empty or over-long term (IllegalArgumentException says why).
     */
    public static String normalize(TrendKind kind, String term) {
        if (term == null || term.isBlank()) {
            throw new IllegalArgumentException("the " + kind.wireName() + " to hide is empty");
        }
        if (term.length() > TrendTerms.MAX_TERM_CHARS) {
            throw new IllegalArgumentException("the " + kind.wireName() + " is longer than " + TrendTerms.MAX_TERM_CHARS + " characters");
        }
        return switch (kind) {
            case TAG -> {
                String t = term.strip();
                yield (t.startsWith("#") ? t.substring(1) : t).toLowerCase(java.util.Locale.ROOT);
            }
            case LINK -> Links.normalize(term).orElseThrow(() -> new IllegalArgumentException("not an http(s) URL: " + term));
            case PHRASE -> term.strip().toLowerCase(java.util.Locale.ROOT).replaceAll("\\s+", " ");
        };
    }
}
