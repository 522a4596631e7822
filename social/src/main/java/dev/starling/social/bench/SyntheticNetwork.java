package dev.starling.social.bench;

import dev.starling.social.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Bulk-generates a large synthetic network in SQL for load benchmarks (for example 10,000
 * accounts x 100 follows x 1,000,000 posts): accounts {@code bench<i>} (no password), each
 * following {@code followsPerAccount} others (a deterministic permutation, no self-follows),
 * posts spread evenly over {@code days} days with time-sortable ids, 90% public, 5% unlisted,
 * 5% followers-only. No outbox rows or notifications (this is fixture data, not traffic). Row
 * timestamps are spread so that no millisecond gets more than 65,536 snowflake ids.
 * Then ANALYZE. Idempotent per database: does nothing when bench accounts already exist.
 */
public final class SyntheticNetwork {

    public record Spec(int accounts, int followsPerAccount, int posts, int days) {
        public Spec {
            if (accounts < 2 || accounts > 1_000_000 || followsPerAccount < 0 || followsPerAccount >= accounts
                    || posts < 0 || posts > 100_000_000 || days < 1) {
                throw new IllegalArgumentException("bad synthetic network spec " + this);
            }
        }

        /** The issue's load benchmark size. */
        public static Spec issueSize() {
            return new Spec(10_000, 100, 1_000_000, 30);
        }
    }

    /** Account ids of the generated network, in generation order, and how long generation took. */
    public record Result(List<Long> accountIds, long follows, long posts, long elapsedMillis, boolean created) {
    }

    private SyntheticNetwork() {
    }

    public static Result generate(Database db, Spec spec) {
        long t0 = System.nanoTime();
        boolean created = db.inTransaction(c -> {
            try (Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT 1 FROM accounts WHERE email LIKE '%@bench.invalid' LIMIT 1")) {
                    if (rs.next()) {
                        return false;
                    }
                }
                st.execute("SET LOCAL synchronous_commit = off");
                exec(c, """
                        INSERT INTO accounts (id, username, email, display_name, created_at, updated_at)
                        SELECT snowflake_id(now() - interval '400 days' + g * interval '1 second'), 'bench' || g, 'bench' || g || '@bench.invalid',
                               'Bench ' || g, now() - interval '400 days', now() - interval '400 days'
                        FROM generate_series(1, ?) g""", spec.accounts());
                st.execute("CREATE TEMP TABLE bench_ids ON COMMIT DROP AS"
                        + " SELECT (row_number() OVER (ORDER BY id))::int - 1 AS idx, id FROM accounts WHERE email LIKE '%@bench.invalid'");
                st.execute("CREATE UNIQUE INDEX ON bench_ids (idx)");
                // follower i follows (i * 7919 + k * 104729) mod n for k = 1..f: distinct in k when gcd(104729, n) = 1.
                int n = spec.accounts();
                long stride = gcd(104_729, n) == 1 ? 104_729 : 1;
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO follows (id, follower_id, followee_id, created_at)
                        SELECT snowflake_id(now() - interval '200 days' + (a.idx * 1000 + k) * interval '1 millisecond'), a.id, b.id,
                               now() - interval '200 days'
                        FROM bench_ids a CROSS JOIN generate_series(1, ?) k
                        JOIN bench_ids b ON b.idx = ((a.idx::bigint * 7919 + k * ?) % ?)::int
                        WHERE a.id <> b.id
                        ON CONFLICT DO NOTHING""")) {
                    ps.setInt(1, spec.followsPerAccount());
                    ps.setLong(2, stride);
                    ps.setInt(3, n);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO posts (id, author_id, text, visibility, created_at)
                        SELECT snowflake_id(t.ts), a.id, 'bench post ' || g || ' about things #bench', 
                               CASE WHEN g % 20 = 0 THEN 2 WHEN g % 20 = 1 THEN 1 ELSE 0 END, t.ts
                        FROM generate_series(1, ?) g
                        CROSS JOIN LATERAL (SELECT now() - ? * interval '1 day' + (g::float8 / ?) * ? * interval '1 day' AS ts) t
                        JOIN bench_ids a ON a.idx = ((g::bigint * 7907) % ?)::int""")) {
                    ps.setInt(1, spec.posts());
                    ps.setInt(2, spec.days());
                    ps.setInt(3, Math.max(1, spec.posts()));
                    ps.setInt(4, spec.days());
                    ps.setInt(5, n);
                    ps.executeUpdate();
                }
            }
            return true;
        });
        db.withConnection(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("ANALYZE");
            }
            return null;
        });
        List<Long> ids = db.withConnection(c -> {
            List<Long> out = new ArrayList<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT id FROM accounts WHERE email LIKE '%@bench.invalid' ORDER BY id")) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        });
        long follows = count(db, "SELECT count(*) FROM follows");
        long posts = count(db, "SELECT count(*) FROM posts");
        return new Result(ids, follows, posts, (System.nanoTime() - t0) / 1_000_000, created);
    }

    private static long count(Database db, String sql) {
        return db.withConnection(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static void exec(Connection c, String sql, int arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, arg);
            ps.executeUpdate();
        }
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
