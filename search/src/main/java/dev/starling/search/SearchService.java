package dev.starling.search;

import dev.starling.search.authors.AuthorSignalsSource;
import dev.starling.search.embed.Embedder;
import dev.starling.search.index.IndexMismatchException;
import dev.starling.search.index.OutboxIndexer;
import dev.starling.search.index.Rebuild;
import dev.starling.search.index.PostIndex;
import dev.starling.social.Social;
import dev.starling.social.export.PostExport;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Everything a running server needs for search: the index under {@code <dataDir>/index}, the
 * outbox indexer thread (caught up on start, then near-real-time), and {@link PostSearch}.
 * Close it to stop the indexer and commit.
 *
 * <pre>{@code
 * try (SearchService s = SearchService.start(dataDir, social, new MiniLmEmbedder())) {
 *     SearchResult r = s.search().search(viewerId, "coffee from:alice", SearchMode.TOP, 0, 20);
 * }
 * }</pre>
 */
public final class SearchService implements AutoCloseable {

    private final PostIndex index;
    private final OutboxIndexer indexer;
    private final PostSearch search;
    private final PostExport export;

    private SearchService(PostIndex index, OutboxIndexer indexer, PostSearch search, PostExport export) {
        this.index = index;
        this.indexer = indexer;
        this.search = search;
        this.export = export;
    }

    /**
     * Opens the index in {@code dataDir/index} and starts the indexer thread, which first catches
     * up with the outbox (in batches, searchable as it goes) and then follows it, and (with an
     * embedder) the thread that adds vectors in a second pass. An index of another format or
     * embedder is rebuilt from the database first, by its words; the vectors follow in the background.
     */
    public static SearchService start(Path dataDir, Social social, Embedder embedder) {
        Path dir = dataDir.resolve("index");
        PostIndex index;
        boolean rebuild = false;
        try {
            index = PostIndex.open(dir, embedder);
        } catch (IndexMismatchException e) {
            // The index is derived data: one written by another version or embedder is recreated from the
            // database rather than refusing to start.
            System.err.println("starling: " + e.getMessage().replace(": run `starling index rebuild`", "") + "; rebuilding it from the database");
            PostIndex.deleteFiles(dir);
            index = PostIndex.open(dir, embedder);
            rebuild = true;
        }
        try {
            PostExport export = new PostExport(social.database());
            if (rebuild) {
                long n = Rebuild.run(index, export, social.outbox(), done -> {
                    if (done % 10_000 == 0) {
                        System.err.println("starling: re-indexed " + done + " posts");
                    }
                }, true);
                System.err.println("starling: search index rebuilt (" + n + " posts" + (embedder == null ? ""
                        : "; their vectors are added in the background, semantic search finds them as they come") + ")");
            }
            OutboxIndexer indexer = new OutboxIndexer(index, social.outbox(), export);
            indexer.start();
            return new SearchService(index, indexer, new PostSearch(index, export::relations, Clock.systemUTC(),
                    new AuthorSignalsSource(social.database())), export);
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
    }

    public PostSearch search() {
        return search;
    }

    public PostIndex index() {
        return index;
    }

    public OutboxIndexer indexer() {
        return indexer;
    }

    public PostExport export() {
        return export;
    }

    @Override
    public void close() {
        try {
            indexer.close();
        } finally {
            index.close();
        }
    }
}
