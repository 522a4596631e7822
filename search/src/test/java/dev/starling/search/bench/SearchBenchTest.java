package dev.starling.search.bench;

import dev.starling.search.PostSearch;
import dev.starling.search.embed.MiniLmEmbedder;
import dev.starling.search.index.PostIndex;
import dev.starling.search.query.SearchMode;
import dev.starling.search.query.SearchResult;
import dev.starling.social.export.PostExport.ExportedPost;
import dev.starling.social.export.PostExport.Relations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
 * The search benchmark (opt-in: {@code -Dstarling.bench=true}; {@code scripts/bench-search.sh} runs
 * it with one command). Posts: {@link BenchCorpus} ({@code -Dbench.posts}, default 1,000,000; at
 * most {@code -Dbench.texts} distinct tweets, default all). Phases, each printed as it ends:
 * <ol>
 * <li>an index without vectors: indexing posts/s (wall and per CPU-second); lexical Top and
 *     operator-heavy Latest queries as a viewer with 100 follows, blocks and mutes (the visibility
 *     filter inside every query);</li>
 * <li>freshness under a steady write load on that index ({@link FreshnessBench},
 *     {@code -Dbench.fresh.rate} posts/s, default 200, for {@code -Dbench.fresh.seconds}, default 30);</li>
 * <li>PostgreSQL full-text search (GIN over a stored tsvector) on the same posts and words: the ratios;</li>
 * <li>an index with real MiniLM vectors ({@code -Dbench.vectors=false} skips it): each distinct text
 *     embedded once and its vector reused for its repeats ({@link TextCachedEmbedder}); hybrid
 *     queries (lexical Top + HNSW, fused by RRF) including MiniLM's embedding of the query.</li>
 * </ol>
 * Every figure is printed with the 1-minute load average.
 */
class SearchBenchTest {

    private final List<String> table = new ArrayList<>();

    @Test
    void bench(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("starling.bench"), "benchmark: run with -Dstarling.bench=true");
        Path tweets = Path.of(System.getProperty("starling.shared.dir", "../shared"), "data", "tweeteval");
        Assumptions.assumeTrue(Files.isDirectory(tweets), "TweetEval not found at " + tweets);
        int n = Integer.getInteger("bench.posts", 1_000_000);
        int queries = Integer.getInteger("bench.queries", 1000);
        BenchCorpus corpus = BenchCorpus.load(tweets, Integer.getInteger("bench.texts", Integer.MAX_VALUE));
        int distinctUsed = Math.min(n, corpus.texts.size());
        say(String.format(Locale.ROOT, "bench: %,d posts from %,d distinct tweets (of %,d lines; each text repeated about %.1f times), load %s, %d cores",
                n, distinctUsed, corpus.loadedLines, n / (double) distinctUsed, BenchClock.loadAverage(), Runtime.getRuntime().availableProcessors()));
        Random r = new Random(7);
        Set<Long> following = new HashSet<>();
        while (following.size() < 100) {
            following.add((long) (1 + BenchCorpus.heavyTail(r, BenchCorpus.ACCOUNTS)));
        }
        Relations viewer = new Relations(1 + BenchCorpus.ACCOUNTS / 2, following, Set.of(5L, 17L, 99L), Set.of(23L, 42L));
        Clock at = Clock.fixed(Instant.ofEpochMilli(BenchCorpus.START_MILLIS + n * BenchCorpus.STEP_MILLIS), ZoneOffset.UTC);
        String since = LocalDate.ofInstant(Instant.ofEpochMilli(BenchCorpus.START_MILLIS + n * BenchCorpus.STEP_MILLIS / 2), ZoneOffset.UTC).toString();
        Supplier<String> lexical = () -> corpus.word(r);
        Supplier<String> operators = () -> corpus.word(r) + " OR " + corpus.word(r) + " -" + corpus.word(r) + " since:" + since
                + " min_faves:1 -filter:replies lang:en";
        double[] lex = {Double.NaN, Double.NaN};
        double[] ops = {Double.NaN, Double.NaN};
        // -Dbench.keep=DIR keeps the vector cache and the vector index between runs (query-side changes re-measured in minutes)
        String keep = System.getProperty("bench.keep", "");
        if (!"false".equals(System.getProperty("bench.lexical"))) try (PostIndex index = PostIndex.open(dir.resolve("lexical"), null)) {
            BenchClock c = new BenchClock();
            build(index, corpus, n);
            row("indexing, no embeddings", String.format(Locale.ROOT, "%,.0f posts/s (%,.0f per CPU-s)", n / c.wallSeconds(), n / c.cpuSeconds()), c);
            PostSearch search = new PostSearch(index, id -> viewer, at);
            lex = latency("lexical (Top)", search, lexical, SearchMode.TOP, viewer.accountId(), queries);
            ops = latency("operator-heavy (Latest)", search, operators, SearchMode.LATEST, viewer.accountId(), queries);
            freshness(index, corpus, "");
        }
        if (!"false".equals(System.getProperty("bench.postgres"))) {
            PostgresSideBySide.run(corpus, n, r, since, queries / 2, lex, ops, this::row);
        }
        if (!"false".equals(System.getProperty("bench.vectors"))) {
            TextCachedEmbedder embedder = new TextCachedEmbedder(new MiniLmEmbedder());
            Path vectorFile = keep.isBlank() ? null : Path.of(keep, "vectors-" + distinctUsed + ".svec");
            double embedSeconds;
            if (vectorFile != null && Files.exists(vectorFile)) {
                BenchClock e = new BenchClock();
                int loaded = embedder.load(vectorFile);
                embedSeconds = Double.NaN;
                row("MiniLM, distinct texts", String.format(Locale.ROOT, "%,d vectors loaded from %s (embedded by an earlier run) in %.1f s", loaded, vectorFile,
                        e.wallSeconds()), e);
            } else {
                BenchClock e = new BenchClock();
                embedder.prefill(corpus.texts.subList(0, distinctUsed), 64);
                embedSeconds = e.wallSeconds();
                row("MiniLM, distinct texts", String.format(Locale.ROOT, "%,d texts in %.0f s = %.0f texts/s (%.1f per CPU-s)", distinctUsed, embedSeconds,
                        distinctUsed / embedSeconds, distinctUsed / e.cpuSeconds()), e);
                if (vectorFile != null) {
                    Files.createDirectories(vectorFile.getParent());
                    embedder.save(vectorFile);
                }
            }
            Path hybridDir = keep.isBlank() ? dir.resolve("hybrid") : Path.of(keep, "hybrid-" + n + "-" + distinctUsed + "-f" + PostIndex.FORMAT);
            boolean reuse = !keep.isBlank() && Files.exists(hybridDir.resolveSibling(hybridDir.getFileName() + ".built"));
            try (PostIndex index = PostIndex.open(hybridDir, embedder)) {
                if (reuse) {
                    row("index with HNSW vectors", String.format(Locale.ROOT, "reused from %s (%,d posts)", hybridDir, index.size()), "load " + BenchClock.loadAverage());
                } else {
                    BenchClock c = new BenchClock();
                    build(index, corpus, n);
                    double indexSeconds = c.wallSeconds();
                    row("indexing with HNSW vectors", String.format(Locale.ROOT, "%,.0f posts/s (%,.0f per CPU-s), cached vectors, %,d model calls",
                            n / indexSeconds, n / c.cpuSeconds(), embedder.misses.get()), c);
                    row("  with embeddings included", String.format(Locale.ROOT, "%,.0f posts/s = %,d posts / (%.0f s embedding + %.0f s indexing)",
                            n / (embedSeconds + indexSeconds), n, embedSeconds, indexSeconds), c);
                    if (!keep.isBlank()) {
                        Files.writeString(hybridDir.resolveSibling(hybridDir.getFileName() + ".built"), n + " posts\n");
                    }
                }
                PostSearch lexicalOnVectors = new PostSearch(index, id -> viewer, at);
                latency("lexical (Top), vector index", lexicalOnVectors, lexical, SearchMode.TOP, viewer.accountId(), queries);
                latency("operator-heavy (Latest), vector index", lexicalOnVectors, operators, SearchMode.LATEST, viewer.accountId(), queries);
                long[] q = new long[200];
                for (int i = 0; i < q.length; i++) {
                    long t0 = System.nanoTime();
                    embedder.embed(corpus.word(r) + " " + corpus.word(r));
                    q[i] = System.nanoTime() - t0;
                }
                row("MiniLM query embedding", String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms", BenchClock.pct(q, 50), BenchClock.pct(q, 99)),
                        "load " + BenchClock.loadAverage());
                PostSearch search = new PostSearch(index, id -> viewer, at);
                Supplier<String> twoWords = () -> corpus.word(r) + " " + corpus.word(r);
                latency("semantic (HNSW, visibility-filtered)", search, twoWords, SearchMode.SEMANTIC, viewer.accountId(), queries);
                latency("hybrid (Top + HNSW, RRF)", search, twoWords, SearchMode.HYBRID, viewer.accountId(), queries);
            }
            if (!keep.isBlank() && Boolean.parseBoolean(System.getProperty("bench.fresh.vectors", "true"))) {
                // freshness with the real model on the indexing path, on a copy of the kept index (the written posts do not stay in it)
                Path copy = dir.resolve("fresh-copy");
                copyIndex(hybridDir, copy);
                try (PostIndex index = PostIndex.open(copy, new TextCachedEmbedder(new MiniLmEmbedder()))) {
                    freshness(index, corpus, ", MiniLM two-pass");
                }
            }
        }
        FreshnessBench.closeAll();
        System.out.println();
        System.out.printf(Locale.ROOT, "| %,d posts | figure | load |%n|---|---|---|%n", n);
        table.forEach(System.out::println);
        System.out.println("(vectors: each distinct text embedded once by MiniLM and reused for its repeats; equal texts have equal embeddings)");
    }

    /** Freshness at each rate of {@code -Dbench.fresh.rates} (default: {@code -Dbench.fresh.rate}, 200). */
    private void freshness(PostIndex index, BenchCorpus corpus, String label) throws InterruptedException {
        int seconds = Integer.getInteger("bench.fresh.seconds", 30);
        if (seconds <= 0) {
            return;
        }
        for (String rateText : System.getProperty("bench.fresh.rates", Integer.getInteger("bench.fresh.rate", 200).toString()).split(",")) {
            int rate = Integer.parseInt(rateText.strip());
            FreshnessBench.Result f = FreshnessBench.run(index, corpus, rate, seconds);
            String load = "load " + f.loadStart() + " -> " + f.loadEnd();
            row("freshness at " + rate + " posts/s" + label, String.format(Locale.ROOT, "p50 %.0f ms, p99 %.0f ms, max %.0f ms; %d of %d seen",
                    BenchClock.pct(f.freshnessNanos(), 50), BenchClock.pct(f.freshnessNanos(), 99), BenchClock.pct(f.freshnessNanos(), 100),
                    f.written() - f.neverSeen(), f.written()), load);
            row("  writes during it", String.format(Locale.ROOT, "%.0f posts/s achieved (target %d) through social + outbox + indexer, for %d s; process CPU %.0f%% of one core",
                    f.achievedRate(), rate, seconds, 100 * f.cpuSeconds() / f.wallSeconds()), load);
            row("  indexer steps", String.format(Locale.ROOT, "%d steps, %.1f events each, mean %.1f ms (outbox poll %.1f, reload %.1f, refresh %.1f; indexer thread CPU %.1f), max %.0f ms",
                    f.steps().steps(), f.steps().events() / (double) Math.max(1, f.steps().steps()), f.steps().meanMillis(),
                    f.steps().pollNanos() / 1e6 / Math.max(1, f.steps().steps()), f.steps().reloadNanos() / 1e6 / Math.max(1, f.steps().steps()),
                    f.steps().refreshNanos() / 1e6 / Math.max(1, f.steps().steps()), f.steps().threadCpuNanos() / 1e6 / Math.max(1, f.steps().steps()), f.steps().maxNanos() / 1e6), load);
            row("  indexer apply, refresh, commit", String.format(Locale.ROOT, "apply mean %.1f ms; refresh max %.0f ms; %d commits, mean %.0f ms, max %.0f ms",
                    f.steps().applyNanos() / 1e6 / Math.max(1, f.steps().steps()), f.steps().maxRefreshNanos() / 1e6, f.steps().commits(),
                    f.steps().commitNanos() / 1e6 / Math.max(1, f.steps().commits()), f.steps().maxCommitNanos() / 1e6), load);
            if (f.vectors() != null) {
                row("  second pass (vectors)", String.format(Locale.ROOT, "%,d texts embedded by the model in %.1f s, %,d posts from the text cache, %,d vectors applied, %,d posts still queued at the end",
                        f.vectors().embeddedTexts(), f.vectors().embedMillis() / 1e3, f.vectors().cachedPosts(), f.steps().vectorsApplied(), f.vectors().queued()), load);
            }
            row("  lexical Top during writes", String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms (%d queries)",
                    BenchClock.pct(f.queryNanos(), 50), BenchClock.pct(f.queryNanos(), 99), f.queryNanos().length), load);
        }
    }

    private static void copyIndex(Path from, Path to) throws java.io.IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals("write.lock")) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        }
    }

    private static void build(PostIndex index, BenchCorpus corpus, int n) {
        Map<Long, ExportedPost> batch = new HashMap<>();
        for (int i = 0; i < n; i++) {
            ExportedPost e = corpus.post(i);
            batch.put(e.post().id(), e);
            if (batch.size() == 2000 || i == n - 1) {
                index.apply(batch.keySet(), batch);
                batch.clear();
            }
        }
        index.commit(0);
        index.refresh();
    }

    /** Runs warm-up and {@code count} timed queries; returns {p50, p99} in ms and adds a row. */
    private double[] latency(String name, PostSearch search, Supplier<String> q, SearchMode mode, long viewer, int count) {
        for (int i = 0; i < Math.max(20, count / 5); i++) {
            search.search(viewer, q.get(), mode, 0, 20);
        }
        BenchClock c = new BenchClock();
        long[] t = new long[count];
        long[] cpu = new long[count];
        String[] asked = new String[count];
        long[] totals = new long[count];
        long hits = 0;
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < t.length; i++) {
            String query = q.get();
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            SearchResult res = search.search(viewer, query, mode, 0, 20);
            t[i] = System.nanoTime() - t0;
            cpu[i] = threads.getCurrentThreadCpuTime() - c0;
            asked[i] = query;
            if (res instanceof SearchResult.Hits h) {
                hits += h.total();
                totals[i] = h.total();
            } else {
                throw new AssertionError(query + ": " + res);
            }
        }
        double[] p = {BenchClock.pct(t, 50), BenchClock.pct(t, 99)};
        row(name, String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms (%d queries, mean total hits %,d, %.1f ms CPU per query); query thread CPU p50 %.2f ms, p99 %.2f ms",
                p[0], p[1], count, hits / count, c.cpuSeconds() * 1000 / count, BenchClock.pct(cpu, 50), BenchClock.pct(cpu, 99)), c);
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Long.compare(cpu[b], cpu[a]));
        for (int k = 0; k < Math.min(3, count); k++) {
            int i = order[k];
            say(String.format(Locale.ROOT, "bench:   slow %s: %.1f ms wall, %.1f ms CPU, %,d hits: %s", name, t[i] / 1e6, cpu[i] / 1e6, totals[i], asked[i]));
        }
        return p;
    }

    private void row(String what, String figure, BenchClock c) {
        row(what, figure, "load " + c.loadAtStart + " -> " + BenchClock.loadAverage());
    }

    void row(String what, String figure, String load) {
        String line = "| " + what + " | " + figure + " | " + load + " |";
        say("bench: " + line);
        table.add(line);
    }

    /**
     * Prints a progress line, and appends it to the file named by {@code -Dbench.log} when given
     * (Surefire hands the test's output over only when the test ends; the script follows this file).
     */
    static void say(String line) {
        System.out.println(line);
        String log = System.getProperty("bench.log");
        if (log != null && !log.isBlank()) {
            try {
                Files.writeString(Path.of(log), line + System.lineSeparator(), java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            } catch (java.io.IOException e) {
                System.out.println("bench: cannot append to " + log + ": " + e);
            }
        }
    }
}
