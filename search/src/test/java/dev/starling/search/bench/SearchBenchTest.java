package dev.starling.search.bench;

import dev.starling.search.PostSearch;
import dev.starling.search.embed.Embedder;
import dev.starling.search.embed.MiniLmEmbedder;
import dev.starling.search.index.PostIndex;
import dev.starling.search.query.SearchMode;
import dev.starling.search.query.SearchResult;
import dev.starling.social.db.EmbeddedDatabase;
import dev.starling.social.export.PostExport.ExportedPost;
import dev.starling.social.export.PostExport.Relations;
import dev.starling.social.posts.Entities;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search benchmark (not a timed test; runs only with {@code -Dstarling.bench=true}): the real
 * tweets of TweetEval (hate and offensive sets left out) repeated with varied metadata to
 * {@code -Dbench.posts} posts (default 1,000,000) by 10,000 heavy-tailed authors; indexing
 * throughput; query latency p50/p99 for lexical (Top, one frequent word), operator-heavy (Latest) and hybrid queries
 * as a viewer with 100 follows, blocks and mutes (the visibility filter inside every query); and
 * PostgreSQL full-text search on the same posts with the same words beside it.
 *
 * <p>Vectors: embedding a million posts with MiniLM takes hours on this machine, so documents get
 * deterministic pseudo-random unit vectors ({@code -Dbench.vectors=false} leaves them out); HNSW
 * search costs the same whatever the values. MiniLM's own throughput (posts/s) and query-embedding
 * latency are measured separately on real tweets and reported beside them.
 */
class SearchBenchTest {

    static final int DIM = 384;

    @Test
    void bench(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("starling.bench"), "benchmark: run with -Dstarling.bench=true");
        Path tweets = Path.of(System.getProperty("starling.shared.dir", "../shared"), "data", "tweeteval");
        Assumptions.assumeTrue(Files.isDirectory(tweets), "TweetEval not found at " + tweets);
        int n = Integer.getInteger("bench.posts", 1_000_000);
        boolean vectors = Boolean.parseBoolean(System.getProperty("bench.vectors", "true"));
        boolean postgres = Boolean.parseBoolean(System.getProperty("bench.postgres", "true"));
        List<String> texts = texts(tweets);
        System.out.printf("bench: %d posts from %d distinct tweets, vectors=%s%n", n, texts.size(), vectors);
        Random r = new Random(7);
        int accounts = 10_000;
        long startMillis = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        Embedder hashed = vectors ? new HashedEmbedder() : null;

        // --- MiniLM throughput and query-embedding latency on real tweets
        MiniLmEmbedder minilm = new MiniLmEmbedder();
        minilm.embedAll(texts.subList(0, 64));
        long e0 = System.nanoTime();
        int embedN = 1000;
        for (int i = 0; i < embedN; i += 50) {
            minilm.embedAll(texts.subList(i, i + 50));
        }
        double embedPerSec = embedN / ((System.nanoTime() - e0) / 1e9);
        long[] qEmbed = new long[300];
        for (int i = 0; i < qEmbed.length; i++) {
            long t = System.nanoTime();
            minilm.embed(word(r, texts) + " " + word(r, texts));
            qEmbed[i] = System.nanoTime() - t;
        }

        // --- index
        try (PostIndex index = PostIndex.open(dir.resolve("index"), hashed)) {
            long t0 = System.nanoTime();
            List<Long> ids = new ArrayList<>();
            Map<Long, ExportedPost> batch = new HashMap<>();
            for (int i = 0; i < n; i++) {
                long created = startMillis + i * 2_000L;
                long id = (created << 16) | (i & 0xFFFF);
                int author = heavyTail(r, accounts);
                boolean reply = r.nextInt(5) == 0 && i > 0;
                String text = texts.get(i % texts.size());
                List<Entities.Mention> mentions = new ArrayList<>();
                if (r.nextInt(5) == 0) {
                    int m = 1 + r.nextInt(accounts);
                    mentions.add(new Entities.Mention(m, "u" + m));
                    text = "@u" + m + " " + text;
                }
                List<String> urls = List.of();
                if (r.nextInt(10) == 0) {
                    urls = List.of("https://example.org/p/" + i);
                    text = text + " https://example.org/p/" + i;
                }
                int v = r.nextInt(100);
                PostVisibility vis = v < 85 ? PostVisibility.PUBLIC : v < 92 ? PostVisibility.UNLISTED : v < 97 ? PostVisibility.PRIVATE : PostVisibility.DIRECT;
                Post p = new Post(id, 1 + author, text, vis, reply ? ids.get(r.nextInt(ids.size())) : null, reply ? (long) (1 + r.nextInt(accounts)) : null,
                        null, null, null, r.nextInt(10) == 0 ? "es" : "en", false, "",
                        new Entities(List.of(), mentions, urls, List.of()), Instant.ofEpochMilli(created), null);
                ExportedPost e = new ExportedPost(p, "u" + (1 + author), reply ? "u" + (1 + r.nextInt(accounts)) : null,
                        (long) Math.floor(-Math.log(1 - r.nextDouble()) * 1.5), r.nextInt(8) == 0 ? r.nextInt(5) : 0, 0);
                if (ids.size() < 100_000) {
                    ids.add(id);
                }
                batch.put(id, e);
                if (batch.size() == 2000 || i == n - 1) {
                    index.apply(batch.keySet(), batch);
                    batch.clear();
                }
            }
            index.commit(0);
            index.refresh();
            double indexSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "bench: indexed %d posts in %.1f s = %.0f posts/s (%s)%n", n, indexSeconds, n / indexSeconds,
                    vectors ? "with HNSW vectors, embedding excluded" : "no vectors");
            System.out.printf(Locale.ROOT, "bench: MiniLM embedding throughput %.0f posts/s (batches of 50, real tweets); "
                    + "so with embeddings included indexing would run at about %.0f posts/s%n", embedPerSec,
                    1 / (1 / embedPerSec + indexSeconds / n));
            System.out.printf(Locale.ROOT, "bench: MiniLM query embedding p50 %.2f ms p99 %.2f ms%n", pct(qEmbed, 50), pct(qEmbed, 99));

            // --- viewer and queries
            Set<Long> following = new HashSet<>();
            while (following.size() < 100) {
                following.add((long) (1 + heavyTail(r, accounts)));
            }
            Relations viewer = new Relations(1 + accounts / 2, following, Set.of(5L, 17L, 99L), Set.of(23L, 42L));
            PostSearch search = new PostSearch(index, id -> viewer, Clock.fixed(Instant.ofEpochMilli(startMillis + n * 2_000L), ZoneOffset.UTC));
            String since = LocalDate.ofInstant(Instant.ofEpochMilli(startMillis + n * 1_000L), ZoneOffset.UTC).toString();
            Supplier<String> lexical = () -> word(r, texts);
            Supplier<String> operators = () -> word(r, texts) + " OR " + word(r, texts) + " -" + word(r, texts) + " since:" + since
                    + " min_faves:1 -filter:replies lang:en";
            report("lexical (Top)", search, lexical, SearchMode.TOP, viewer.accountId());
            report("operator-heavy (Latest)", search, operators, SearchMode.LATEST, viewer.accountId());
            if (vectors) {
                report("hybrid (Top + HNSW, RRF)", search, lexical, SearchMode.HYBRID, viewer.accountId());
            }
            if (postgres) {
                postgresSideBySide(n, texts, r, startMillis, since);
            }
        }
    }

    private static void report(String name, PostSearch search, Supplier<String> q, SearchMode mode, long viewer) {
        for (int i = 0; i < 200; i++) {
            search.search(viewer, q.get(), mode, 0, 20);
        }
        long[] t = new long[1000];
        long hits = 0;
        for (int i = 0; i < t.length; i++) {
            String query = q.get();
            long t0 = System.nanoTime();
            SearchResult res = search.search(viewer, query, mode, 0, 20);
            t[i] = System.nanoTime() - t0;
            if (res instanceof SearchResult.Hits h) {
                hits += h.total();
            } else {
                throw new AssertionError(query + ": " + res);
            }
        }
        System.out.printf(Locale.ROOT, "bench: %-26s p50 %7.2f ms  p99 %7.2f ms  (mean total hits %d)%n", name, pct(t, 50), pct(t, 99), hits / t.length);
    }

    private static void postgresSideBySide(int n, List<String> texts, Random r, long startMillis, String since) throws Exception {
        try (EmbeddedDatabase pg = EmbeddedDatabase.startTemporary(); Connection c = pg.postgresDatabase().getConnection()) {
            long t0 = System.nanoTime();
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE bench_posts (id bigint PRIMARY KEY, body text NOT NULL, created_at timestamptz NOT NULL, faves int NOT NULL, "
                        + "is_reply boolean NOT NULL, lang text NOT NULL)");
            }
            c.setAutoCommit(false);
            Random m = new Random(7);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO bench_posts VALUES (?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < n; i++) {
                    long created = startMillis + i * 2_000L;
                    ps.setLong(1, (created << 16) | (i & 0xFFFF));
                    ps.setString(2, texts.get(i % texts.size()));
                    ps.setTimestamp(3, new Timestamp(created));
                    ps.setInt(4, (int) Math.floor(-Math.log(1 - m.nextDouble()) * 1.5));
                    ps.setBoolean(5, m.nextInt(5) == 0);
                    ps.setString(6, m.nextInt(10) == 0 ? "es" : "en");
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
            System.out.printf(Locale.ROOT, "bench: PostgreSQL loaded and indexed %d posts in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
            String lexical = "SELECT id FROM bench_posts, plainto_tsquery('english', ?) q WHERE tsv @@ q ORDER BY ts_rank_cd(tsv, q) DESC LIMIT 20";
            String ops = "SELECT id FROM bench_posts, websearch_to_tsquery('english', ?) q WHERE tsv @@ q AND created_at >= ?::date "
                    + "AND faves >= 1 AND NOT is_reply AND lang = 'en' ORDER BY id DESC LIMIT 20";
            pgReport(c, "PostgreSQL FTS lexical", lexical, () -> new Object[] {word(r, texts)});
            pgReport(c, "PostgreSQL FTS operators", ops, () -> new Object[] {word(r, texts) + " or " + word(r, texts) + " -" + word(r, texts), since});
        }
    }

    private static void pgReport(Connection c, String name, String sql, Supplier<Object[]> params) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            long[] t = new long[400];
            for (int i = -100; i < t.length; i++) {
                Object[] p = params.get();
                for (int k = 0; k < p.length; k++) {
                    ps.setString(k + 1, (String) p[k]);
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
            System.out.printf(Locale.ROOT, "bench: %-26s p50 %7.2f ms  p99 %7.2f ms%n", name, pct(t, 50), pct(t, 99));
        }
    }

    private static double pct(long[] nanos, int p) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)] / 1e6;
    }

    private static int heavyTail(Random r, int n) {
        return (int) Math.min(n - 1, Math.floor(n * Math.pow(r.nextDouble(), 3)));
    }

    private static final List<String> VOCAB = new ArrayList<>();

    /** One of the 2,000 most frequent words of 4+ letters in the corpus, after the 50 most frequent (the vocabulary is cached on first use). */
    private static String word(Random r, List<String> texts) {
        synchronized (VOCAB) {
            if (VOCAB.isEmpty()) {
                Map<String, Integer> counts = new HashMap<>();
                for (String t : texts) {
                    for (String w : t.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
                        if (w.length() >= 4) {
                            counts.merge(w, 1, Integer::sum);
                        }
                    }
                }
                List<String> byCount = new ArrayList<>(counts.keySet());
                byCount.sort((a, b) -> counts.get(b) - counts.get(a));
                VOCAB.addAll(byCount.subList(50, Math.min(byCount.size(), 2050)));
            }
            return VOCAB.get(r.nextInt(VOCAB.size()));
        }
    }

    private static List<String> texts(Path tweeteval) throws IOException {
        List<String> out = new ArrayList<>();
        try (var dirs = Files.list(tweeteval)) {
            for (Path d : dirs.sorted().toList()) {
                String name = d.getFileName().toString();
                if (!Files.isDirectory(d) || name.equals("hate") || name.equals("offensive")) {
                    continue;
                }
                try (var files = Files.walk(d)) {
                    for (Path f : files.filter(f -> f.getFileName().toString().endsWith("_text.txt")).sorted().toList()) {
                        for (String l : Files.readAllLines(f)) {
                            if (!l.isBlank()) {
                                out.add(l.strip());
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Deterministic pseudo-random unit vectors from the text's hash (speed only; no meaning). */
    static final class HashedEmbedder implements Embedder {
        @Override
        public int dimension() {
            return DIM;
        }

        @Override
        public String name() {
            return "bench-hashed";
        }

        @Override
        public float[] embed(String text) {
            Random r = new Random(text.hashCode());
            float[] v = new float[DIM];
            for (int i = 0; i < DIM; i++) {
                v[i] = (float) r.nextGaussian();
            }
            return Embedder.normalize(v);
        }
    }
}
