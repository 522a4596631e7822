package dev.starling.search.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.search.PostSearch;
import dev.starling.search.query.SearchMode;
import dev.starling.search.query.SearchResult;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.SignUp;
import dev.starling.social.db.Database;
import dev.starling.social.export.PostExport;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two-pass indexing: a post is searchable by its words while its embedding has not even started
 * (the embedder is held shut), gets its vector in the second pass, keeps it through count updates,
 * and a vector still owed when the process dies is found in the committed index and added on the
 * next start.
 */
class LexicalFirstIndexingTest {

    static Database db;
    static Social social;
    static Account alice;
    static Account bob;

    @BeforeAll
    static void up() {
        db = TestDatabase.fresh("search_lexical_first");
        social = TestDatabase.social(db);
        alice = social.accounts().signUp(new SignUp("alice", "alice@example.org", "correct horse battery staple")).orThrow();
        bob = social.accounts().signUp(new SignUp("bob", "bob@example.org", "correct horse battery staple")).orThrow();
    }

    @AfterAll
    static void down() {
        db.close();
    }

    private static List<Long> ids(SearchResult r) {
        return assertInstanceOf(SearchResult.Hits.class, r, () -> "expected hits: " + r).postIds();
    }

    private static void await(String what, long timeoutMillis, BooleanSupplier done) throws InterruptedException {
        long t0 = System.nanoTime();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() - t0 < timeoutMillis * 1_000_000L, what + " not within " + timeoutMillis + " ms");
            Thread.sleep(5);
        }
    }

    @Test
    void aPostIsSearchableByItsWordsWhileItsEmbeddingIsHeldUp(@TempDir Path dir) throws Exception {
        GatedWordEmbedder embedder = new GatedWordEmbedder(false);
        PostExport export = new PostExport(db);
        try (PostIndex index = PostIndex.open(dir, embedder)) {
            OutboxIndexer indexer = new OutboxIndexer(index, social.outbox(), export, 20, 60_000);
            PostSearch search = new PostSearch(index, export, Clock.systemUTC());
            try {
                indexer.start();
                // The gate stays shut for 30 s: if the words waited for the vector, these would time out.
                Post warm = social.posts().create(alice.id(), NewPost.of("warming up the numbat indexer")).orThrow();
                await("lexical search (first post, cold start) while the embedder is held up", 10_000,
                        () -> ids(search.search(null, "numbat", SearchMode.LATEST, 0, 5)).contains(warm.id()));
                Post p = social.posts().create(alice.id(), NewPost.of("quokkas smiling on rottnest island")).orThrow();
                long t0 = System.nanoTime();
                await("lexical search for a post whose embedding is held up", 3000,
                        () -> ids(search.search(null, "quokkas", SearchMode.LATEST, 0, 5)).contains(p.id()));
                System.out.printf("lexical freshness with the embedder held shut: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
                assertEquals(List.of(warm.id(), p.id()), index.vectorPendingIds(10, id -> false).stream().sorted().toList(),
                        "indexed without their vectors, marked as owed them");
                assertFalse(ids(search.search(null, "quokkas smiling on rottnest island", SearchMode.SEMANTIC, 0, 5)).contains(p.id()),
                        "no vector yet, so semantic search cannot find it");
                await("the second pass to ask the embedder", 5000, () -> embedder.batchCalls.get() > 0);

                embedder.open();
                await("semantic search after the embedder is let through", 5000,
                        () -> ids(search.search(null, "rottnest island quokkas smiling", SearchMode.SEMANTIC, 0, 5)).contains(p.id()));
                assertEquals(List.of(), index.vectorPendingIds(10, id -> false), "no post is owed a vector any more");
                assertEquals(List.of(p.id()), ids(search.search(null, "quokkas", SearchMode.LATEST, 0, 5)), "one document per post, not two");

                int embedded = embedder.textsEmbedded.get();
                social.posts().favourite(bob.id(), p.id()).orThrow();
                await("the like to be indexed", 5000, () -> ids(search.search(null, "quokkas min_faves:1", SearchMode.LATEST, 0, 5)).contains(p.id()));
                assertTrue(ids(search.search(null, "rottnest island quokkas smiling", SearchMode.SEMANTIC, 0, 5)).contains(p.id()),
                        "a count update keeps the vector");
                assertEquals(embedded, embedder.textsEmbedded.get(), "and does not embed the unchanged text again");
            } finally {
                embedder.open();
                indexer.close();
            }
        }
    }

    @Test
    void aVectorOwedAtACrashIsAddedOnTheNextStart(@TempDir Path dir) throws Exception {
        GatedWordEmbedder shut = new GatedWordEmbedder(false);
        PostExport export = new PostExport(db);
        Post p;
        Post q;
        try (PostIndex index = PostIndex.open(dir, shut)) {
            OutboxIndexer indexer = new OutboxIndexer(index, social.outbox(), export);
            while (indexer.step() > 0) {
                // the outbox so far (earlier tests' posts); their vectors are owed too
            }
            p = social.posts().create(alice.id(), NewPost.of("wombats dig burrows at dusk")).orThrow();
            q = social.posts().create(alice.id(), NewPost.of("wombats dig burrows at dusk")).orThrow(); // the same text: one model call
            indexer.step();
            indexer.commit();
            assertEquals(social.outbox().head(), index.committedPosition(), "the commit covers the posts' events");
            assertTrue(index.vectorPendingIds(100, id -> false).containsAll(List.of(p.id(), q.id())));
            assertEquals(0, shut.textsEmbedded.get(), "nothing was embedded: the model never answered");
        } // the process dies: the backfill's queue is gone, only the committed index remains

        GatedWordEmbedder open = new GatedWordEmbedder(true);
        try (PostIndex index = PostIndex.open(dir, open)) {
            assertTrue(index.vectorPendingIds(100, id -> false).containsAll(List.of(p.id(), q.id())), "the marks were committed");
            OutboxIndexer indexer = new OutboxIndexer(index, social.outbox(), export);
            assertEquals(0, social.outbox().poll(OutboxIndexer.CONSUMER, indexer.position(), 10).size(), "no event is left to replay");
            indexer.catchUp();
            assertEquals(List.of(), index.vectorPendingIds(100, id -> false), "every owed vector was added");
            try (var committed = org.apache.lucene.store.FSDirectory.open(dir); var reader = org.apache.lucene.index.DirectoryReader.open(committed)) {
                assertEquals(0, reader.docFreq(PostFields.vectorPending()), "and committed, though no outbox event moved the position");
            }
            PostSearch search = new PostSearch(index, export, Clock.systemUTC());
            List<Long> semantic = ids(search.search(null, "burrows wombats dusk dig at", SearchMode.SEMANTIC, 0, 2));
            assertEquals(List.of(p.id(), q.id()), semantic.stream().sorted().toList());
            assertTrue(open.textsEmbedded.get() < open.batchCalls.get() * VectorBackfill.BATCH, "batched");
        }
    }

    @Test
    void anUpgradeRebuildIsSearchableByWordsBeforeAnyVectorAndGetsThemInTheBackground(@TempDir Path dataDir) throws Exception {
        Post p = social.posts().create(bob.id(), NewPost.of("platypus lays eggs in the river bank")).orThrow();
        Path indexDir = dataDir.resolve("index");
        try (var d = org.apache.lucene.store.FSDirectory.open(indexDir);
             var w = new org.apache.lucene.index.IndexWriter(d, new org.apache.lucene.index.IndexWriterConfig())) {
            w.setLiveCommitData(java.util.Map.of(PostIndex.FORMAT_KEY, "3", PostIndex.POSITION_KEY, "0", PostIndex.EMBEDDER_KEY, "none").entrySet());
            w.commit();
        }
        GatedWordEmbedder embedder = new GatedWordEmbedder(false);
        try (dev.starling.search.SearchService s = dev.starling.search.SearchService.start(dataDir, social, embedder)) {
            try {
                assertEquals(List.of(p.id()), ids(s.search().search(null, "platypus", SearchMode.LATEST, 0, 5)),
                        "searchable by its words as soon as the service is up, the model not having answered once");
                embedder.open();
                await("the rebuilt posts' vectors", 10_000, () -> s.index().vectorPendingIds(1, id -> false).isEmpty());
                assertTrue(ids(s.search().search(null, "river bank platypus eggs lays", SearchMode.SEMANTIC, 0, 5)).contains(p.id()));
            } finally {
                embedder.open();
            }
        }
    }

    @Test
    void aFullQueueDropsPostsAndSaysSo() throws Exception {
        GatedWordEmbedder e = new GatedWordEmbedder(true);
        VectorBackfill b = new VectorBackfill(e, 2);
        b.offer(List.of(new PostIndex.PendingVector(1, "one"), new PostIndex.PendingVector(2, "two"), new PostIndex.PendingVector(3, "three")));
        assertEquals(2, b.queued());
        assertTrue(b.takeOverflowed(), "the third post was dropped (it stays marked in the index)");
        assertFalse(b.takeOverflowed(), "said once");
        assertEquals(2, b.embedNext(0));
        assertEquals(List.of(1L, 2L), b.takeReady().keySet().stream().sorted().toList());
        b.offer(List.of(new PostIndex.PendingVector(4, "one")));
        assertEquals(0, b.queued(), "a text embedded recently needs no model call");
        assertEquals("one", b.takeReady().get(4L).text());
        assertTrue(b.idle());
    }
}
