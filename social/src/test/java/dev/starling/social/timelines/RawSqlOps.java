package dev.starling.social.timelines;

import dev.starling.social.accounts.Account;
import dev.starling.social.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Random;

/**
 * Changes made with plain SQL, outside every service of this codebase, as psql or another program would:
 * posts (with a mention row when the text names someone, as PostWriter keeps them), deletions (cascading
 * to reposts), visibility changes, follows, unfollows, blocks, unblocks, mutes, unmutes.
 */
final class RawSqlOps {

    private RawSqlOps() {
    }

    /** One random plain-SQL change on {@code db}; returns what it did (for failure messages). */
    static String step(Database db, Random r, List<Account> accounts, List<Long> posts, int step) {
        int n = accounts.size();
        Account actor = accounts.get(r.nextInt(n));
        Account other = accounts.get(r.nextInt(n));
        int op = r.nextInt(10);
        return db.inTransaction(c -> switch (op) {
            case 0, 1, 9 -> {
                int visibility = r.nextInt(4);
                boolean mention = r.nextBoolean() && actor.id() != other.id();
                long id = insertPost(c, actor.id(), "raw " + step + (mention ? " @" + other.username() : ""), visibility);
                if (mention) {
                    update(c, "INSERT INTO post_mentions (post_id, account_id) VALUES (?, ?)", id, other.id());
                }
                posts.add(id);
                yield "raw post " + id + " by " + actor.id() + " visibility " + visibility + (mention ? " mentioning " + other.id() : "");
            }
            case 2 -> {
                if (posts.isEmpty()) {
                    yield "nothing";
                }
                long id = posts.get(r.nextInt(posts.size()));
                update(c, "DELETE FROM posts WHERE id = ?", id);
                yield "raw delete of " + id;
            }
            case 3 -> {
                if (posts.isEmpty()) {
                    yield "nothing";
                }
                long id = posts.get(r.nextInt(posts.size()));
                int v = r.nextInt(4);
                update(c, "UPDATE posts SET visibility = " + v + ", edited_at = now() WHERE id = ? OR reblog_of_id = ?", id, id);
                yield "raw visibility " + v + " of " + id;
            }
            case 4 -> {
                if (actor.id() == other.id()) {
                    yield "nothing";
                }
                update(c, "INSERT INTO follows (id, follower_id, followee_id, created_at) VALUES (snowflake_id(now()), ?, ?, now()) ON CONFLICT DO NOTHING",
                        actor.id(), other.id());
                yield "raw follow " + actor.id() + " -> " + other.id();
            }
            case 5 -> {
                update(c, "DELETE FROM follows WHERE follower_id = ? AND followee_id = ?", actor.id(), other.id());
                yield "raw unfollow " + actor.id() + " -> " + other.id();
            }
            case 6 -> {
                if (actor.id() == other.id()) {
                    yield "nothing";
                }
                if (r.nextBoolean()) {
                    update(c, "INSERT INTO blocks (id, account_id, target_id, created_at) VALUES (snowflake_id(now()), ?, ?, now()) ON CONFLICT DO NOTHING",
                            actor.id(), other.id());
                    yield "raw block " + actor.id() + " -> " + other.id();
                }
                update(c, "DELETE FROM blocks WHERE account_id = ? AND target_id = ?", actor.id(), other.id());
                yield "raw unblock " + actor.id() + " -> " + other.id();
            }
            case 7 -> {
                if (actor.id() == other.id()) {
                    yield "nothing";
                }
                update(c, "INSERT INTO mutes (id, account_id, target_id, created_at) VALUES (snowflake_id(now()), ?, ?, now()) ON CONFLICT DO NOTHING",
                        actor.id(), other.id());
                yield "raw mute " + actor.id() + " -> " + other.id();
            }
            case 8 -> {
                update(c, "DELETE FROM mutes WHERE account_id = ? AND target_id = ?", actor.id(), other.id());
                yield "raw unmute " + actor.id() + " -> " + other.id();
            }
            default -> throw new IllegalStateException("op " + op);
        });
    }

    static long insertPost(Connection c, long authorId, String text, int visibility) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO posts (id, author_id, text, visibility, created_at) VALUES (snowflake_id(now()), ?, ?, ?, now()) RETURNING id")) {
            ps.setLong(1, authorId);
            ps.setString(2, text);
            ps.setInt(3, visibility);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static int update(Connection c, String sql, long... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setLong(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }
}
