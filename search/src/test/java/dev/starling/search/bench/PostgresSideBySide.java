package dev.starling.search.bench;

import dev.starling.social.db.EmbeddedDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

/**
 * PostgreSQL full-text search on the benchmark's posts (same texts, times, likes, reply flags and
 * languages as {@link BenchCorpus#meta}): a stored {@code to_tsvector('english', body)} with a GIN
 * index, as a Mastodon operator would add it; the same kinds of query (one word ranked by
 * {@code ts_rank_cd}; words with OR and exclusion plus since, likes, no replies and language,
 * newest first), with the ratio to Starling's p50 and p99 measured in the same run. PostgreSQL
 * runs without any visibility filter, which only flatters it.
 */
final class PostgresSideBySide {

    interface Rows {
        void row(String what, String figure, String load);
    }

    private PostgresSideBySide() {
    }

    static void run(BenchCorpus corpus, int n, Random r, String since, int queries, double[] lexical, double[] operators, Rows rows) throws Exception {
        try (EmbeddedDatabase pg = EmbeddedDatabase.startTemporary(); Connection c = pg.postgresDatabase().getConnection()) {
            BenchClock load = new BenchClock();
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE bench_posts (id bigint PRIMARY KEY, body text NOT NULL, created_at timestamptz NOT NULL, faves int NOT NULL, "
                        + "is_reply boolean NOT NULL, lang text NOT NULL)");
            }
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO bench_posts VALUES (?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < n; i++) {
                    BenchCorpus.Meta m = BenchCorpus.meta(i, corpus.texts.size());
                    ps.setLong(1, m.id());
                    ps.setString(2, corpus.texts.get(m.textIndex()));
                    ps.setTimestamp(3, new Timestamp(m.createdMillis()));
                    ps.setInt(4, (int) m.faves());
                    ps.setBoolean(5, m.reply());
                    ps.setString(6, m.lang());
                    ps.addBatch();
                    if (i % 5000 == 4999) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            c.commit();
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute("ALTER TABLE bench_posts ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED");
                st.execute("CREATE INDEX bench_posts_tsv ON bench_posts USING gin (tsv)");
                st.execute("CREATE INDEX bench_posts_created ON bench_posts (created_at)");
                st.execute("ANALYZE bench_posts");
            }
            rows.row("PostgreSQL load + GIN index", String.format(Locale.ROOT, "%,.0f posts/s (server CPU not counted)", n / load.wallSeconds()),
                    "load " + load.loadAtStart + " -> " + BenchClock.loadAverage());
            double[] pgLex = measure(c, "SELECT id FROM bench_posts, plainto_tsquery('english', ?) q WHERE tsv @@ q ORDER BY ts_rank_cd(tsv, q) DESC LIMIT 20",
                    () -> new String[] {corpus.word(r)}, queries);
            ratioRow(rows, "PostgreSQL FTS lexical (rank)", pgLex, lexical);
            double[] pgOps = measure(c, "SELECT id FROM bench_posts, websearch_to_tsquery('english', ?) q WHERE tsv @@ q AND created_at >= ?::date "
                    + "AND faves >= 1 AND NOT is_reply AND lang = 'en' ORDER BY id DESC LIMIT 20",
                    () -> new String[] {corpus.word(r) + " or " + corpus.word(r) + " -" + corpus.word(r), since}, queries);
            ratioRow(rows, "PostgreSQL FTS operators (newest)", pgOps, operators);
        }
    }

    private static void ratioRow(Rows rows, String what, double[] pg, double[] lucene) {
        rows.row(what, String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms: %.1fx / %.1fx Starling's p50 / p99", pg[0], pg[1], pg[0] / lucene[0],
                pg[1] / lucene[1]), "load " + BenchClock.loadAverage());
    }

    private static double[] measure(Connection c, String sql, Supplier<String[]> params, int count) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            long[] t = new long[count];
            for (int i = -Math.max(20, count / 4); i < count; i++) {
                String[] p = params.get();
                for (int k = 0; k < p.length; k++) {
                    ps.setString(k + 1, p[k]);
                }
                long t0 = System.nanoTime();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rs.getLong(1);
                    }
                }
                if (i >= 0) {
                    t[i] = System.nanoTime() - t0;
                }
            }
            return new double[] {BenchClock.pct(t, 50), BenchClock.pct(t, 99)};
        }
    }
}
