package dev.starling.search.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.starling.search.PostSearch;
import dev.starling.search.SearchService;
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
import java.util.Map;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plain word finds posts tagged with it (as on X); an index of an older format is rebuilt on start, not refused. */
class HashtagWordsAndUpgradeTest {

    static Database db;
    static Social social;
    static Account alice;

    @BeforeAll
    static void up() {
        db = TestDatabase.fresh("search_hashtag_words");
        social = TestDatabase.social(db);
        alice = social.accounts().signUp(new SignUp("alice", "alice@example.org", "correct horse battery staple")).orThrow();
    }

    @AfterAll
    static void down() {
        db.close();
    }

    private static List<Long> ids(SearchResult r) {
        return assertInstanceOf(SearchResult.Hits.class, r, () -> "expected hits: " + r).postIds();
    }

    @Test
    void aWordFindsTheTagButTheTagFindsOnlyTheTag(@TempDir Path dir) {
        Post tagged = social.posts().create(alice.id(), NewPost.of("Saw a heron at dawn #Birding")).orThrow();
        Post word = social.posts().create(alice.id(), NewPost.of("birding is my weekend")).orThrow();
        Post other = social.posts().create(alice.id(), NewPost.of("#birds are not #birding")).orThrow();
        PostExport export = new PostExport(db);
        try (PostIndex index = PostIndex.open(dir, null)) {
            new OutboxIndexer(index, social.outbox(), export).catchUp();
            PostSearch search = new PostSearch(index, export, Clock.systemUTC());
            assertEquals(List.of(other.id(), word.id(), tagged.id()), ids(search.search(null, "birding", SearchMode.LATEST, 0, 20)));
            assertEquals(List.of(other.id(), tagged.id()), ids(search.search(null, "#birding", SearchMode.LATEST, 0, 20)),
                    "the tag query does not match the plain word");
            assertEquals(List.of(tagged.id()), ids(search.search(null, "\"heron at dawn birding\"", SearchMode.LATEST, 0, 20)),
                    "the bare word sits at the tag's position, so phrases across it work");
        }
    }

    @Test
    void anIndexOfAnOlderFormatIsRebuiltFromTheDatabaseOnStart(@TempDir Path dataDir) throws Exception {
        Post p = social.posts().create(alice.id(), NewPost.of("upgrade zebracorn #migrations")).orThrow();
        Path indexDir = dataDir.resolve("index");
        try (FSDirectory d = FSDirectory.open(indexDir); IndexWriter w = new IndexWriter(d, new IndexWriterConfig(new StandardAnalyzer()))) {
            w.setLiveCommitData(Map.of(PostIndex.FORMAT_KEY, "1", PostIndex.POSITION_KEY, "0", PostIndex.EMBEDDER_KEY, "none").entrySet());
            w.commit();
        }
        assertThrows(IndexMismatchException.class, () -> PostIndex.open(indexDir, null), "opening it directly is refused with a reason");
        try (SearchService s = SearchService.start(dataDir, social, null)) {
            assertEquals(List.of(p.id()), ids(s.search().search(null, "zebracorn", SearchMode.LATEST, 0, 20)));
            assertEquals(List.of(p.id()), ids(s.search().search(null, "migrations", SearchMode.LATEST, 0, 20)));
        }
        try (PostIndex reopened = PostIndex.open(indexDir, null)) {
            assertEquals(social.outbox().head(), reopened.committedPosition(), "the rebuilt index records the outbox position it covers");
        }
    }
}
