package dev.starling.search.bench;

import dev.starling.search.PostSearch;
import dev.starling.search.index.OutboxIndexer;
import dev.starling.search.index.PostIndex;
import dev.starling.search.query.SearchMode;
import dev.starling.search.query.SearchResult;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.SignUp;
import dev.starling.social.db.Database;
import dev.starling.social.export.PostExport;
import dev.starling.social.posts.NewPost;
import dev.starling.social.testing.TestDatabase;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Freshness under a steady write load, through the real path: a writer creates public posts in
 * PostgreSQL through {@code social} (post row and outbox row in one transaction) at a fixed rate;
 * the {@link OutboxIndexer} thread with its production settings (poll every 100 ms, commit every
 * 5 s) feeds them into the benchmark's index, which already holds the generated posts; a probe
 * thread searches for the written posts' unique words, the oldest {@value #PROBE_TERMS} not yet
 * found in one query (their words ORed), and records the time from the writer's commit to the
 * first search that finds each; a query thread runs lexical Top queries on the same index the whole
 * time. A post is recorded when a probe query finds it, so the figures can only overstate the delay
 * (by at most one probe query; one query per post could not keep up with 200 posts/s on a busy
 * machine). The probe asks again only when the searcher changed since its last fruitless query
 * (nothing new is searchable before a refresh), so it does not take the CPU the indexer needs.
 */
final class FreshnessBench {

    /** Writers share the schedule (post k is due at start + k / rate), so one slow commit does not hold back the rest. */
    static final int WRITER_THREADS = 8;
    /** Written posts the probe looks for with one query (their unique words ORed; the parser allows 32 terms). */
    static final int PROBE_TERMS = 30;

    record Result(int written, double achievedRate, long[] freshnessNanos, int neverSeen, long[] queryNanos, double cpuSeconds, double wallSeconds,
                  String loadStart, String loadEnd, OutboxIndexer.StepStats steps, dev.starling.search.index.VectorBackfill.Stats vectors) {
    }

    private FreshnessBench() {
    }

    static Result run(PostIndex index, BenchCorpus corpus, int ratePerSecond, int seconds) throws InterruptedException {
        int run = RUNS.incrementAndGet();
        Network net = NETWORKS.computeIfAbsent(index, i -> Network.create());
        Database db = net.db();
        {
            Social social = net.social();
            List<Account> writers = net.writers();
            int total = ratePerSecond * seconds;
            AtomicLongArray committedAt = new AtomicLongArray(total);
            long[] seenAt = new long[total];
            AtomicInteger written = new AtomicInteger();
            AtomicBoolean done = new AtomicBoolean();
            PostSearch search = new PostSearch(index, (PostExport) null, Clock.systemUTC());
            BenchClock clock = new BenchClock();
            try (OutboxIndexer indexer = new OutboxIndexer(index, social.outbox(), new PostExport(db))) {
                indexer.start();
                java.util.concurrent.ConcurrentHashMap<Long, Integer> writtenAs = new java.util.concurrent.ConcurrentHashMap<>();
                Thread probe = Thread.ofPlatform().name("bench-probe").start(() -> {
                    int next = 0;
                    long searchedVersion = -1; // the searcher the last fruitless probe query ran on
                    while (next < total && !done.get()) {
                        long version = index.withSearcher(s -> ((org.apache.lucene.index.DirectoryReader) s.getIndexReader()).getVersion());
                        if (version == searchedVersion) {
                            // nothing new is searchable before the next refresh: asking again would only take CPU from the indexer
                            LockSupport.parkNanos(500_000);
                            continue;
                        }
                        // one query for up to PROBE_TERMS written posts not seen yet, oldest first
                        List<Integer> asked = new ArrayList<>();
                        for (int k = next; k < total && asked.size() < PROBE_TERMS && committedAt.get(k) != 0; k++) {
                            if (seenAt[k] == 0) {
                                asked.add(k);
                            }
                        }
                        if (asked.isEmpty()) {
                            LockSupport.parkNanos(200_000);
                            continue;
                        }
                        SearchResult r = search.search(null, String.join(" OR ", asked.stream().map(k -> token(run, k)).toList()), SearchMode.LATEST, 0,
                                PROBE_TERMS);
                        long now = System.nanoTime();
                        int found = 0;
                        if (r instanceof SearchResult.Hits h) {
                            for (long id : h.postIds()) {
                                Integer k = writtenAs.get(id);
                                if (k != null && seenAt[k] == 0) {
                                    seenAt[k] = now;
                                    found++;
                                }
                            }
                        } else {
                            throw new IllegalStateException("probe query rejected: " + r);
                        }
                        while (next < total && seenAt[next] != 0) {
                            next++;
                        }
                        searchedVersion = found == 0 ? version : -1;
                    }
                });
                List<Long> queries = new ArrayList<>();
                Thread reader = Thread.ofPlatform().name("bench-queries").start(() -> {
                    Random q = new Random(11);
                    while (!done.get()) {
                        String w = corpus.word(q);
                        long t0 = System.nanoTime();
                        search.search(null, w, SearchMode.TOP, 0, 20);
                        queries.add(System.nanoTime() - t0);
                        LockSupport.parkNanos(5_000_000); // about 100 queries/s at most
                    }
                });
                long intervalNanos = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
                long start = System.nanoTime();
                List<Thread> writerThreads = new ArrayList<>();
                for (int w = 0; w < WRITER_THREADS; w++) {
                    int first = w;
                    writerThreads.add(Thread.ofPlatform().name("bench-writer-" + w).start(() -> {
                        Random text = new Random(13 + first);
                        for (int k = first; k < total; k += WRITER_THREADS) {
                            long wait = start + k * intervalNanos - System.nanoTime();
                            if (wait > 0) {
                                LockSupport.parkNanos(wait);
                            }
                            String body = token(run, k) + " " + corpus.texts.get(text.nextInt(corpus.texts.size()));
                            body = body.length() > 270 ? body.substring(0, 270) : body;
                            long id = social.posts().create(writers.get(k % writers.size()).id(), NewPost.of(body)).orThrow().id();
                            long at = System.nanoTime();
                            writtenAs.put(id, k);
                            committedAt.set(k, at);
                            written.incrementAndGet();
                        }
                    }));
                }
                for (Thread t : writerThreads) {
                    t.join();
                }
                double writeSeconds = (System.nanoTime() - start) / 1e9;
                probe.join(TimeUnit.SECONDS.toMillis(10)); // the probe ends when it has seen every post; give up after 10 s
                done.set(true);
                probe.join();
                reader.join();
                int seen = 0;
                List<Long> fresh = new ArrayList<>();
                for (int k = 0; k < total; k++) {
                    if (seenAt[k] != 0) {
                        seen++;
                        fresh.add(seenAt[k] - committedAt.get(k));
                    }
                }
                return new Result(total, total / writeSeconds, fresh.stream().mapToLong(Long::longValue).toArray(), total - seen,
                        queries.stream().mapToLong(Long::longValue).toArray(), clock.cpuSeconds(), clock.wallSeconds(), clock.loadAtStart,
                        BenchClock.loadAverage(), indexer.stepStats(), indexer.backfill() == null ? null : indexer.backfill().stats());
            }
        }
    }

    /**
     * One database per index, kept for the later runs on that index: the index's committed outbox
     * position belongs to that database's outbox (a fresh database restarts its positions, and the
     * indexer, resuming from the index's position, would skip the new posts).
     */
    private record Network(Database db, Social social, List<Account> writers) {
        static Network create() {
            // a connection each for the writers, and some for the indexer, its committer and the probe's relations: with 8 the
            // indexer waited for a writer's connection at every call (up to 90 ms each under load)
            Database db = TestDatabase.fresh("search_bench_fresh", WRITER_THREADS + 4);
            Social social = TestDatabase.social(db);
            List<Account> writers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                writers.add(social.accounts().signUp(new SignUp("writer" + i, "writer" + i + "@example.org", "correct horse battery staple")).orThrow());
            }
            return new Network(db, social, writers);
        }
    }

    private static final java.util.Map<PostIndex, Network> NETWORKS = new java.util.IdentityHashMap<>();

    /** Closes the databases of every run. */
    static void closeAll() {
        NETWORKS.values().forEach(n -> n.db().close());
        NETWORKS.clear();
    }

    /** Runs so far in this process: each run's words differ, as later runs write into the same index. */
    private static final AtomicInteger RUNS = new AtomicInteger();

    /** A word no tweet contains, unique to written post {@code k} of run {@code run}. */
    static String token(int run, int k) {
        return "freshq" + Integer.toString(run, 36) + "q" + Integer.toString(k, 36).toLowerCase(Locale.ROOT) + "x";
    }
}
