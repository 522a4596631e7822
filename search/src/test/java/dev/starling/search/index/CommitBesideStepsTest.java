package dev.starling.search.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.SignUp;
import dev.starling.social.db.Database;
import dev.starling.social.export.PostExport;
import dev.starling.social.export.PostExport.ExportedPost;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.testing.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.Bits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A started indexer commits on its own thread, beside its steps, so a commit may hold documents
 * written after the outbox position it records; and new posts are added without a delete-by-key.
 * After a crash the catch-up replays from the recorded position, and the index must still agree
 * with the database exactly: every live original post once (no duplicate from a replayed add),
 * deleted posts and reposts absent, visibility and likes as in the database.
 */
class CommitBesideStepsTest {

    static Database db;
    static Social social;
    static List<Account> accounts = new ArrayList<>();

    @BeforeAll
    static void up() {
        db = TestDatabase.fresh("search_commit_beside_steps");
        social = TestDatabase.social(db);
        for (int i = 0; i < 4; i++) {
            accounts.add(social.accounts().signUp(new SignUp("user" + i, "user" + i + "@example.org", "correct horse battery staple")).orThrow());
        }
    }

    @AfterAll
    static void down() {
        db.close();
    }

    @Test
    void replayOverACommitThatRanAheadOfItsPositionAddsNoDuplicate(@TempDir Path dir) {
        PostExport export = new PostExport(db);
        List<Long> ids = new ArrayList<>();
        try (PostIndex index = PostIndex.open(dir, null)) {
            OutboxIndexer indexer = new OutboxIndexer(index, social.outbox(), export);
            indexer.catchUp();
            for (int i = 0; i < 5; i++) {
                ids.add(social.posts().create(accounts.get(i % 4).id(), NewPost.of("ahead of the position " + i)).orThrow().id());
            }
            social.posts().favourite(accounts.get(1).id(), ids.getFirst()).orThrow();
            indexer.step();
            index.commit(index.committedPosition()); // the documents are committed, the position is not: what a commit beside a step can leave
        } // crash
        try (PostIndex index = PostIndex.open(dir, null)) {
            new OutboxIndexer(index, social.outbox(), export).catchUp();
            assertAgreesWithDatabase(index, export, "after replaying over the documents already committed");
        }
    }

    @Test
    void aStartedIndexerCommitsBesideItsStepsAndCatchesUpExactlyAfterACrash(@TempDir Path dir) throws Exception {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("CommitBesideStepsTest seed " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random r = new Random(seed);
        PostExport export = new PostExport(db);
        List<Long> posts = new ArrayList<>();
        PostIndex index = PostIndex.open(dir, null);
        OutboxIndexer indexer = new OutboxIndexer(index, social.outbox(), export, 2, 15);
        indexer.start();
        long commitsBeforeCrash;
        try {
            int ops = 150 + r.nextInt(150);
            for (int i = 0; i < ops; i++) {
                Account a = accounts.get(r.nextInt(accounts.size()));
                int kind = posts.isEmpty() ? 0 : r.nextInt(10);
                long target = posts.isEmpty() ? 0 : posts.get(r.nextInt(posts.size()));
                switch (kind) {
                    case 0, 1, 2, 3 -> {
                        Post p = social.posts().create(a.id(), NewPost.of("note " + i + " about " + (r.nextBoolean() ? "rain" : "sun"),
                                r.nextInt(5) == 0 ? PostVisibility.PRIVATE : PostVisibility.PUBLIC)).orThrow();
                        posts.add(p.id());
                    }
                    case 4 -> social.posts().delete(social.posts().get(null, target).map(Post::authorId).orElse(a.id()), target);
                    case 5 -> social.posts().reblog(a.id(), target);
                    case 6, 7 -> social.posts().favourite(a.id(), target);
                    case 8 -> social.posts().unfavourite(a.id(), target);
                    default -> social.posts().get(null, target).ifPresent(p ->
                            social.posts().changeVisibility(p.authorId(), target, r.nextBoolean() ? PostVisibility.UNLISTED : PostVisibility.PRIVATE));
                }
                if (r.nextInt(20) == 0) {
                    Thread.sleep(r.nextInt(20)); // let steps and commits interleave with the writes
                }
            }
            Thread.sleep(r.nextInt(30));
            commitsBeforeCrash = indexer.stepStats().commits();
        } finally {
            index.close(); // the crash: uncommitted writes are gone, whatever the indexer's threads were doing
            indexer.close(); // its final commit fails on the closed index (logged), as a dead process commits nothing
        }
        assertTrue(commitsBeforeCrash > 0, "seed " + seed + ": no commit ran beside the steps before the crash");
        try (PostIndex reopened = PostIndex.open(dir, null)) {
            long committed = reopened.committedPosition();
            new OutboxIndexer(reopened, social.outbox(), export).catchUp();
            assertEquals(social.outbox().head(), reopened.committedPosition(), "seed " + seed + ": caught up from " + committed);
            assertAgreesWithDatabase(reopened, export, "seed " + seed + ", after catching up from position " + committed);
        }
    }

    /** Every post the database has: indexed once when it is a live original, with its visibility and likes; nothing else indexed. */
    private static void assertAgreesWithDatabase(PostIndex index, PostExport export, String when) {
        List<Long> all = db.withConnection(c -> {
            List<Long> out = new ArrayList<>();
            try (var ps = c.prepareStatement("SELECT id FROM posts"); var rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        });
        Map<Long, ExportedPost> present = export.byIds(all);
        int originals = 0;
        for (long id : all) {
            ExportedPost e = present.get(id);
            boolean indexed = e != null && !e.post().isReblog();
            originals += indexed ? 1 : 0;
            long[] found = index.withSearcher(s -> {
                long[] f = {0, -1, -1}; // count, visibility code, likes
                for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
                    PostingsEnum docs = leaf.reader().postings(PostFields.key(id));
                    if (docs == null) {
                        continue;
                    }
                    Bits live = leaf.reader().getLiveDocs();
                    NumericDocValues vis = DocValues.getNumeric(leaf.reader(), PostFields.VISIBILITY);
                    NumericDocValues faves = DocValues.getNumeric(leaf.reader(), PostFields.FAVES);
                    for (int d = docs.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = docs.nextDoc()) {
                        if (live == null || live.get(d)) {
                            f[0]++;
                            f[1] = vis.advanceExact(d) ? vis.longValue() : -2;
                            f[2] = faves.advanceExact(d) ? faves.longValue() : -2;
                        }
                    }
                }
                return f;
            });
            assertEquals(indexed ? 1 : 0, found[0], when + ": post " + id + " indexed " + found[0] + " times");
            if (indexed) {
                assertEquals(e.post().visibility().code(), found[1], when + ": visibility of post " + id);
                assertEquals(e.favouritesCount(), found[2], when + ": likes of post " + id);
            }
        }
        assertEquals(originals, index.size(), when + ": documents in the index");
    }
}
