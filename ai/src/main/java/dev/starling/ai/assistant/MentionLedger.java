package dev.starling.ai.assistant;

import dev.starling.social.common.Outcome;
import dev.starling.social.common.Rejection;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostText;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.posts.PostWriter;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The table {@code assistant_mentions}: one row per mention handled. {@link #postReply} writes the 'replied' row
 * and the reply posts in ONE transaction, the row first under the table's primary key: of two workers (or a replay
 * after a crash) only one inserts it; the other finds it and posts nothing.
 */
final class MentionLedger {

    /** What a reply carried besides its text. */
    record ReplyMeta(long mentionPostId, long mentionerId, PostVisibility visibility, String language, List<Long> retrievedPostIds,
            String model, String prompt, int attempts, int promptTokens, int completionTokens, long generationMillis,
            Long outboxPosition) {
    }

    private final Database db;
    private final PostText rules;
    private final Clock clock;
    private final long assistantId;

    MentionLedger(Database db, PostText rules, Clock clock, long assistantId) {
        this.db = db;
        this.rules = rules;
        this.clock = clock;
        this.assistantId = assistantId;
    }

    /** The recorded outcome ('replied', 'failed', 'skipped') of a mention, if any. */
    Optional<String> outcomeOf(long mentionPostId) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT outcome FROM assistant_mentions WHERE mention_post_id = ?")) {
                ps.setLong(1, mentionPostId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    /**
     * Posts the reply (each part replying to the one before, the first to the mention) and records it, atomically.
     * Returns {@link MentionOutcome.AlreadyHandled} when the mention was recorded meanwhile; a rejection when social
     * refuses a post (the mention was deleted, a part is invalid), in which case nothing was written.
     */
    Outcome<MentionOutcome> postReply(ReplyMeta meta, List<String> parts) {
        for (String part : parts) {
            Optional<Rejection> bad = rules.validate(part);
            if (bad.isPresent()) {
                return Outcome.rejected(bad.get());
            }
        }
        return db.inTransaction(c -> {
            if (!insert(c, meta, "replied", "")) {
                return Outcome.ok(new MentionOutcome.AlreadyHandled(meta.mentionPostId(), outcomeIn(c, meta.mentionPostId())));
            }
            List<Long> ids = new ArrayList<>();
            long parent = meta.mentionPostId();
            for (String part : parts) {
                NewPost np = new NewPost(part, meta.visibility(), parent, null, meta.language(), false, null);
                Outcome<Post> posted = PostWriter.insert(c, assistantId, np, clock.instant());
                if (posted instanceof Outcome.Rejected<Post> r) {
                    return Outcome.rejected(r.rejection()); // rolls back the ledger row and earlier parts
                }
                parent = posted.orThrow().id();
                ids.add(parent);
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE assistant_mentions SET reply_post_ids = ? WHERE mention_post_id = ?")) {
                ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
                ps.setLong(2, meta.mentionPostId());
                ps.executeUpdate();
            }
            return Outcome.ok(new MentionOutcome.Replied(meta.mentionPostId(), ids, meta.model(), meta.prompt()));
        });
    }

    /**
     * Records a mention skipped because its author's daily budget is spent and, when no notice went to that account on
     * {@code day} yet, posts {@code noticeText} as a reply to it: ledger row, notice row and post in ONE transaction (the
     * ledger row first, so a replayed mention does nothing; the notice row's key (account, day) lets one notice per day
     * through, whichever worker gets there first). Returns {@link MentionOutcome.LimitNotice},
     * {@link MentionOutcome.Skipped} (a notice was sent earlier that day) or {@link MentionOutcome.AlreadyHandled}; a
     * rejection when social refuses the notice post (nothing was written then).
     */
    Outcome<MentionOutcome> recordLimitNotice(ReplyMeta meta, String reason, LocalDate day, String noticeText) {
        Optional<Rejection> bad = rules.validate(noticeText);
        if (bad.isPresent()) {
            return Outcome.rejected(bad.get());
        }
        return db.inTransaction(c -> {
            if (!insert(c, meta, "skipped", reason)) {
                return Outcome.ok(new MentionOutcome.AlreadyHandled(meta.mentionPostId(), outcomeIn(c, meta.mentionPostId())));
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO assistant_limit_notices (account_id, day, mention_post_id, notice_post_id) VALUES (?, ?, ?, 0)
                    ON CONFLICT (account_id, day) DO NOTHING""")) {
                ps.setLong(1, meta.mentionerId());
                ps.setDate(2, Date.valueOf(day));
                ps.setLong(3, meta.mentionPostId());
                if (ps.executeUpdate() == 0) {
                    String already = reason + "; the daily-limit notice was already sent today";
                    setReason(c, meta.mentionPostId(), already);
                    return Outcome.ok(new MentionOutcome.Skipped(meta.mentionPostId(), already));
                }
            }
            NewPost np = new NewPost(noticeText, meta.visibility(), meta.mentionPostId(), null, "en", false, null);
            Outcome<Post> posted = PostWriter.insert(c, assistantId, np, clock.instant());
            if (posted instanceof Outcome.Rejected<Post> r) {
                return Outcome.rejected(r.rejection()); // rolls back the ledger and notice rows
            }
            long noticeId = posted.orThrow().id();
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE assistant_limit_notices SET notice_post_id = ? WHERE account_id = ? AND day = ?")) {
                ps.setLong(1, noticeId);
                ps.setLong(2, meta.mentionerId());
                ps.setDate(3, Date.valueOf(day));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE assistant_mentions SET reply_post_ids = ? WHERE mention_post_id = ?")) {
                ps.setArray(1, c.createArrayOf("bigint", new Object[] {noticeId}));
                ps.setLong(2, meta.mentionPostId());
                ps.executeUpdate();
            }
            String withNotice = reason + "; the daily-limit notice was posted as " + noticeId;
            setReason(c, meta.mentionPostId(), withNotice);
            return Outcome.ok(new MentionOutcome.LimitNotice(meta.mentionPostId(), noticeId, withNotice));
        });
    }

    private static void setReason(Connection c, long mentionPostId, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE assistant_mentions SET reason = ? WHERE mention_post_id = ?")) {
            ps.setString(1, cut(reason, 1000));
            ps.setLong(2, mentionPostId);
            ps.executeUpdate();
        }
    }

    /** Records a mention that got no reply; false when it was already recorded. */
    boolean recordWithoutReply(ReplyMeta meta, String outcome, String reason) {
        return db.inTransaction(c -> insert(c, meta, outcome, reason));
    }

    private boolean insert(Connection c, ReplyMeta m, String outcome, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO assistant_mentions (mention_post_id, assistant_id, mentioner_id, outcome, reason, reply_visibility,
                    retrieved_post_ids, attempts, model, prompt, prompt_tokens, completion_tokens, generation_millis, outbox_position)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (mention_post_id) DO NOTHING""")) {
            ps.setLong(1, m.mentionPostId());
            ps.setLong(2, assistantId);
            ps.setLong(3, m.mentionerId());
            ps.setString(4, outcome);
            ps.setString(5, cut(reason, 1000));
            if (m.visibility() == null) {
                ps.setNull(6, java.sql.Types.SMALLINT);
            } else {
                ps.setShort(6, (short) m.visibility().code());
            }
            ps.setArray(7, c.createArrayOf("bigint", m.retrievedPostIds() == null ? new Object[0] : m.retrievedPostIds().toArray()));
            ps.setInt(8, m.attempts());
            ps.setString(9, m.model() == null ? null : cut(m.model(), 200));
            ps.setString(10, m.prompt() == null ? null : cut(m.prompt(), 200));
            ps.setInt(11, m.promptTokens());
            ps.setInt(12, m.completionTokens());
            ps.setLong(13, m.generationMillis());
            if (m.outboxPosition() == null) {
                ps.setNull(14, java.sql.Types.BIGINT);
            } else {
                ps.setLong(14, m.outboxPosition());
            }
            return ps.executeUpdate() == 1;
        }
    }

    private static String outcomeIn(Connection c, long mentionPostId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT outcome FROM assistant_mentions WHERE mention_post_id = ?")) {
            ps.setLong(1, mentionPostId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "unknown";
            }
        }
    }

    /** The ledger row whose reply includes {@code postId}, if that post is one of the assistant's replies. */
    Optional<ReplyProvenance> provenance(long postId) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT mention_post_id, reply_post_ids, retrieved_post_ids, model, prompt, attempts, prompt_tokens, completion_tokens,
                           generation_millis, created_at
                    FROM assistant_mentions WHERE reply_post_ids @> ARRAY[?]::bigint[] AND outcome = 'replied'""")) {
                ps.setLong(1, postId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<ReplyProvenance>empty();
                    }
                    return Optional.of(new ReplyProvenance(rs.getLong(1), longs(rs.getArray(2)), longs(rs.getArray(3)), rs.getString(4),
                            rs.getString(5), rs.getInt(6), rs.getInt(7), rs.getInt(8), rs.getLong(9), rs.getTimestamp(10).toInstant()));
                }
            }
        });
    }

    private static List<Long> longs(java.sql.Array a) throws SQLException {
        List<Long> out = new ArrayList<>();
        for (Object o : (Object[]) a.getArray()) {
            out.add(((Number) o).longValue());
        }
        return out;
    }

    /** Rows per outcome (for stats). */
    Map<String, Long> counts() {
        return db.withConnection(c -> {
            Map<String, Long> out = new LinkedHashMap<>();
            out.put("replied", 0L);
            out.put("failed", 0L);
            out.put("skipped", 0L);
            try (PreparedStatement ps = c.prepareStatement("SELECT outcome, count(*) FROM assistant_mentions WHERE assistant_id = ? GROUP BY outcome")) {
                ps.setLong(1, assistantId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            return out;
        });
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
    }
}
