package dev.starling.app.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.app.Main;
import dev.starling.search.PostSearch;
import dev.starling.search.index.PostIndex;
import dev.starling.search.query.SearchMode;
import dev.starling.search.query.SearchResult;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.db.Database;
import dev.starling.social.db.EmbeddedDatabase;
import dev.starling.social.export.PostExport;
import dev.starling.social.posts.NewPost;
import dev.starling.social.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code starling index rebuild} and {@code starling eval search} through the real command line. */
class SearchCommandsTest {

    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            assertEquals(0, Main.commandLine().execute(args), () -> String.join(" ", args) + ":\n" + out);
        } finally {
            System.setOut(old);
        }
        return out.toString();
    }

    @Test
    void indexRebuildRecreatesTheIndexFromTheDatabase(@TempDir Path data) {
        try (Database db = TestDatabase.fresh("index_rebuild")) {
            Social social = TestDatabase.social(db);
            Account a = social.accounts().createWithoutPassword("rebuilder", "r@example.org", "", false).orThrow();
            long p1 = social.posts().create(a.id(), NewPost.of("rebuild me #please")).orThrow().id();
            social.posts().create(a.id(), NewPost.of("and me too")).orThrow();
            String url = db.hikari().getJdbcUrl();
            String out = run("index", "rebuild", "--no-embeddings", "--data-dir", data.toString(), "--db-url", url, "--db-user", EmbeddedDatabase.USER);
            assertTrue(out.contains("indexed 2 posts"), out);
            try (PostIndex index = PostIndex.open(data.resolve("index"), null)) {
                assertEquals(social.outbox().head(), index.committedPosition(), "the rebuild covers the outbox head");
                SearchResult r = new PostSearch(index, new PostExport(db), Clock.systemUTC()).search(null, "#please", SearchMode.LATEST, 0, 10);
                assertEquals(List.of(p1), ((SearchResult.Hits) r).postIds());
            }
            // again, over the existing index
            assertTrue(run("index", "rebuild", "--no-embeddings", "--data-dir", data.toString(), "--db-url", url, "--db-user", EmbeddedDatabase.USER)
                    .contains("indexed 2 posts"));
        }
    }

    @Test
    void evalSearchPrintsTheTable(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("X.ALL"), ".I 1\n.T\nlibrary catalogues\n.W\ncataloguing books in libraries\n"
                + ".I 2\n.T\nfootball\n.W\nmatch results of the league\n");
        Files.writeString(dir.resolve("X.QRY"), ".I 1\n.W\nhow are library books catalogued?\n");
        Files.writeString(dir.resolve("X.REL"), "1 1 0 0\n");
        String out = run("eval", "search", "--smart", dir.toString(), "--no-embeddings", "--no-postgres");
        assertTrue(out.contains("nDCG@10") && out.contains("lexical (BM25)"), out);
        assertTrue(out.matches("(?s).*lexical \\(BM25\\)\\s+1\\.0000\\s+1\\.0000\\s+1\\.0000\\s+1\\s.*"), out);
    }
}
