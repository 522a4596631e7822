package dev.starling.search.index;

import dev.starling.search.analysis.PostAnalyzer;
import dev.starling.search.embed.Embedder;
import dev.starling.social.export.PostExport.ExportedPost;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.NRTCachingDirectory;

/**
 * The Lucene index of posts: one {@link IndexWriter} and a near-real-time {@link SearcherManager}
 * over it. Writes become visible to searches at {@link #refresh()}; they become durable at
 * {@link #commit(long)}, which records the outbox position the index covers in the commit's user
 * data ({@value #POSITION_KEY}), together with the format version ({@value #FORMAT_KEY} =
 * {@value #FORMAT}) and the embedder name ({@value #EMBEDDER_KEY}). Opening an index written with
 * another format or embedder fails with a message that names the directory and says to rebuild.
 *
 * <p>Uncommitted changes are dropped on {@link #close()} (the indexer replays them from the outbox).
 * Thread-safe.
 */
public final class PostIndex implements AutoCloseable {

    public static final String FORMAT_KEY = "starling.index.format";
    /**
     * 2: hashtags are also indexed as their bare word (PostAnalyzer.forIndexing); 3: the author id
     * also has doc values (the author signal of Top); 4: the visibility code has doc values (cheap
     * visibility checks beside a selective query), the vector is no longer also stored (it is read
     * back from the vector field; the text hash is doc values), and a post may wait for its vector
     * ({@link PostFields#VECTOR_PENDING}).
     */
    public static final String FORMAT = "4";
    public static final String POSITION_KEY = "starling.outbox.position";
    public static final String EMBEDDER_KEY = "starling.embedder";
    /** Segments written by a refresh up to this size are held in memory (NRTCachingDirectory), up to this total. */
    static final double NRT_CACHE_MAX_SEGMENT_MB = 8;
    static final double NRT_CACHE_MAX_MB = 64;

    private final Directory dir;
    private final String where;
    private final PostAnalyzer analyzer = new PostAnalyzer();
    private final PostAnalyzer indexAnalyzer = PostAnalyzer.forIndexing();
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final Embedder embedder;
    private volatile long committedPosition;
    /**
     * No document has a post id above this (deleted ones included): a post with a higher id is
     * added without the delete-by-key an update costs in every segment at the next refresh (post
     * ids grow with time, so every new post takes this path). Guarded by {@link #writeLock}.
     */
    private long maxIndexedId;
    private final Object writeLock = new Object();

    private PostIndex(Directory dir, String where, Embedder embedder) throws IOException {
        this.dir = dir;
        this.where = where;
        this.embedder = embedder;
        String embedderName = embedder == null ? "none" : embedder.name() + "/" + embedder.dimension();
        long position = 0;
        if (DirectoryReader.indexExists(dir)) {
            Map<String, String> user = SegmentInfos.readLatestCommit(dir).getUserData();
            String format = user.get(FORMAT_KEY);
            if (!FORMAT.equals(format)) {
                throw new IndexMismatchException("search index in " + where + " has format " + format + ", this version reads " + FORMAT
                        + ": run `starling index rebuild`");
            }
            if (!embedderName.equals(user.get(EMBEDDER_KEY))) {
                throw new IndexMismatchException("search index in " + where + " was built with embedder " + user.get(EMBEDDER_KEY)
                        + ", not " + embedderName + ": run `starling index rebuild`");
            }
            position = Long.parseLong(user.getOrDefault(POSITION_KEY, "0"));
        }
        IndexWriterConfig cfg = new IndexWriterConfig(indexAnalyzer);
        cfg.setCommitOnClose(false);
        cfg.setRAMBufferSizeMB(64);
        // A refresh or commit never waits for merges (Lucene's default waits up to 500 ms for merges of the
        // small segments it just flushed; on a busy machine, at 1M posts, that wait was most of a refresh).
        cfg.setMaxFullFlushMergeWaitMillis(0);
        this.writer = new IndexWriter(dir, cfg);
        this.searchers = new SearcherManager(writer, null);
        this.committedPosition = position;
        this.maxIndexedId = withSearcher(PostIndex::maxId);
        if (position == 0 && !DirectoryReader.indexExists(dir)) {
            writer.setLiveCommitData(Map.of(FORMAT_KEY, FORMAT, POSITION_KEY, "0", EMBEDDER_KEY, embedderName).entrySet());
            writer.commit();
        }
    }

    /** The largest post id in the index's points (deleted documents included), 0 when empty. */
    private static long maxId(IndexSearcher s) throws IOException {
        long max = 0;
        for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
            org.apache.lucene.index.PointValues points = leaf.reader().getPointValues(PostFields.ID);
            if (points != null && points.size() > 0) {
                max = Math.max(max, org.apache.lucene.document.LongPoint.decodeDimension(points.getMaxPackedValue(), 0));
            }
        }
        return max;
    }

    /** Opens (or creates) the index in {@code path}; {@code embedder} may be null (no vectors). */
    public static PostIndex open(Path path, Embedder embedder) {
        try {
            // Small NRT flushes stay in memory until they merge or commit (Lucene's advice for near-real-time search).
            return new PostIndex(new NRTCachingDirectory(FSDirectory.open(path), NRT_CACHE_MAX_SEGMENT_MB, NRT_CACHE_MAX_MB), path.toString(), embedder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open search index in " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes every file of the index in {@code path} (the index is derived data; {@link Rebuild} recreates
     * it). Refuses, with a message saying why, while another process holds the index's write lock.
     */
    public static void deleteFiles(Path path) {
        if (!java.nio.file.Files.isDirectory(path)) {
            return;
        }
        try (FSDirectory d = FSDirectory.open(path);
             org.apache.lucene.store.Lock lock = d.obtainLock(IndexWriter.WRITE_LOCK_NAME)) {
            for (String f : d.listAll()) {
                if (!f.equals(IndexWriter.WRITE_LOCK_NAME)) {
                    d.deleteFile(f);
                }
            }
        } catch (org.apache.lucene.store.LockObtainFailedException e) {
            throw new IllegalArgumentException("the index in " + path + " is in use (is `starling serve` running? stop it first)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear the index directory " + path + ": " + e.getMessage(), e);
        }
    }

    /** Opens an index in the given directory (tests use a {@code ByteBuffersDirectory}). */
    public static PostIndex open(Directory dir, Embedder embedder) {
        try {
            return new PostIndex(dir, dir.toString(), embedder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open search index in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The query-time analyzer (the index writer uses {@link PostAnalyzer#forIndexing()}). */
    public PostAnalyzer analyzer() {
        return analyzer;
    }

    /** May be null. */
    public Embedder embedder() {
        return embedder;
    }

    /** The outbox position covered by the last commit (0 for a new index). */
    public long committedPosition() {
        return committedPosition;
    }

    /** A post indexed without its vector (the vector pass owes it one): its id and the text to embed. */
    public record PendingVector(long postId, String text) {
    }

    /** A vector computed for a post's text (applied only while the post still has that text). */
    public record ReadyVector(String text, float[] vector) {
    }

    /**
     * Makes the index agree with the database for {@code ids}: a post present in {@code present}
     * (and not a repost) is (re)indexed, any other id is deleted. Vectors that are missing are
     * computed here, before returning (rebuilds, benchmarks); the indexer uses
     * {@link #applyLexicalFirst} instead.
     */
    public void apply(Collection<Long> ids, Map<Long, ExportedPost> present) {
        write(ids, present, Map.of(), false);
    }

    /**
     * As {@link #apply}, but never waits for the embedder: a post whose vector is neither in
     * {@code ready} (for its current text) nor reusable from its indexed document (same text) is
     * indexed without one, marked {@link PostFields#VECTOR_PENDING}, and returned, so that a
     * second pass can embed it and apply it again with the vector in {@code ready}. Without an
     * embedder nothing is ever pending.
     */
    public List<PendingVector> applyLexicalFirst(Collection<Long> ids, Map<Long, ExportedPost> present, Map<Long, ReadyVector> ready) {
        return write(ids, present, ready, true);
    }

    private List<PendingVector> write(Collection<Long> ids, Map<Long, ExportedPost> present, Map<Long, ReadyVector> ready, boolean defer) {
        synchronized (writeLock) {
            return writeLocked(ids, present, ready, defer);
        }
    }

    private List<PendingVector> writeLocked(Collection<Long> ids, Map<Long, ExportedPost> present, Map<Long, ReadyVector> ready, boolean defer) {
        try {
            List<ExportedPost> toIndex = new ArrayList<>();
            for (long id : ids) {
                ExportedPost e = present.get(id);
                if (e == null || e.post().isReblog()) {
                    if (id <= maxIndexedId) { // a higher id was never indexed (a repost's own id, a post deleted before it was seen)
                        writer.deleteDocuments(PostFields.key(id));
                    }
                } else {
                    toIndex.add(e);
                }
            }
            List<float[]> vectors = vectors(toIndex, ready, defer);
            List<PendingVector> pending = new ArrayList<>();
            for (int i = 0; i < toIndex.size(); i++) {
                ExportedPost e = toIndex.get(i);
                float[] v = vectors.get(i);
                boolean owed = v == null && embedder != null;
                if (owed) {
                    pending.add(new PendingVector(e.post().id(), PostFields.searchableText(e.post())));
                }
                long id = e.post().id();
                Document doc = PostFields.document(e, v, owed);
                if (id > maxIndexedId) {
                    writer.addDocument(doc); // cannot be in the index yet: no delete-by-key to apply
                    maxIndexedId = id;
                } else {
                    writer.updateDocument(PostFields.key(id), doc);
                }
            }
            return pending;
        } catch (IOException e) {
            throw new UncheckedIOException("search index write failed in " + where, e);
        }
    }

    /**
     * Vectors for the posts: the ready one when its text is the post's text, else the indexed one
     * when the text did not change (count updates), else embedded now (or null when {@code defer}).
     */
    private List<float[]> vectors(List<ExportedPost> posts, Map<Long, ReadyVector> ready, boolean defer) throws IOException {
        List<float[]> out = new ArrayList<>();
        if (embedder == null) {
            for (int i = 0; i < posts.size(); i++) {
                out.add(null);
            }
            return out;
        }
        Map<Integer, String> missing = new HashMap<>();
        IndexSearcher s = searchers.acquire();
        try {
            for (int i = 0; i < posts.size(); i++) {
                long id = posts.get(i).post().id();
                String text = PostFields.searchableText(posts.get(i).post());
                ReadyVector r = ready.get(id);
                float[] v = r != null && r.text().equals(text) ? r.vector() : indexedVector(s, id, text.hashCode());
                out.add(v);
                if (v == null) {
                    missing.put(i, text);
                }
            }
        } finally {
            searchers.release(s);
        }
        if (!missing.isEmpty() && !defer) {
            List<Integer> at = new ArrayList<>(missing.keySet());
            List<float[]> fresh = embedder.embedAll(at.stream().map(missing::get).toList());
            for (int k = 0; k < at.size(); k++) {
                out.set(at.get(k), fresh.get(k));
            }
        }
        return out;
    }

    /** The vector of post {@code id} as indexed, when it was computed from a text with hash {@code textHash}; else null. */
    private static float[] indexedVector(IndexSearcher s, long id, int textHash) throws IOException {
        TopDocs td = s.search(new TermQuery(PostFields.key(id)), 1);
        if (td.scoreDocs.length == 0) {
            return null;
        }
        int doc = td.scoreDocs[0].doc;
        List<LeafReaderContext> leaves = s.getIndexReader().leaves();
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        int local = doc - leaf.docBase;
        NumericDocValues hash = DocValues.getNumeric(leaf.reader(), PostFields.TEXT_HASH);
        if (!hash.advanceExact(local) || (int) hash.longValue() != textHash) {
            return null;
        }
        FloatVectorValues values = leaf.reader().getFloatVectorValues(PostFields.VECTOR);
        if (values == null) {
            return null;
        }
        KnnVectorValues.DocIndexIterator it = values.iterator();
        return it.advance(local) == local ? values.vectorValue(it.index()).clone() : null;
    }

    /**
     * Ids of up to {@code max} posts indexed without their vector (waiting for
     * {@link #applyLexicalFirst}'s second pass), leaving out those {@code skip} accepts.
     */
    public List<Long> vectorPendingIds(int max, java.util.function.LongPredicate skip) {
        return withSearcher(s -> {
            List<Long> out = new ArrayList<>();
            for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
                org.apache.lucene.index.PostingsEnum docs = leaf.reader().postings(PostFields.vectorPending());
                if (docs == null) {
                    continue;
                }
                NumericDocValues idValues = DocValues.getNumeric(leaf.reader(), PostFields.ID);
                org.apache.lucene.util.Bits live = leaf.reader().getLiveDocs();
                for (int d = docs.nextDoc(); d != org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS && out.size() < max; d = docs.nextDoc()) {
                    if ((live == null || live.get(d)) && idValues.advanceExact(d) && !skip.test(idValues.longValue())) {
                        out.add(idValues.longValue());
                    }
                }
            }
            return out;
        });
    }

    /** Deletes every document (rebuild). */
    public void deleteAll() {
        try {
            synchronized (writeLock) {
                writer.deleteAll();
                maxIndexedId = 0;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("search index write failed in " + where, e);
        }
    }

    /** Makes all writes so far visible to new searches. */
    public void refresh() {
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException("search index refresh failed in " + where, e);
        }
    }

    /** Durably commits everything written so far as covering outbox events up to {@code position}. */
    public synchronized void commit(long position) {
        try {
            writer.setLiveCommitData(Map.of(FORMAT_KEY, FORMAT, POSITION_KEY, Long.toString(position),
                    EMBEDDER_KEY, embedder == null ? "none" : embedder.name() + "/" + embedder.dimension()).entrySet());
            writer.commit();
            committedPosition = position;
        } catch (IOException e) {
            throw new UncheckedIOException("search index commit failed in " + where, e);
        }
    }

    /** Runs {@code work} on the current NRT searcher. */
    public <T> T withSearcher(SearchWork<T> work) {
        try {
            IndexSearcher s = searchers.acquire();
            try {
                return work.apply(s);
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("search failed in " + where, e);
        }
    }

    /** Number of live documents in the current searcher. */
    public int size() {
        return withSearcher(s -> s.getIndexReader().numDocs());
    }

    @FunctionalInterface
    public interface SearchWork<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    @Override
    public void close() {
        try {
            searchers.close();
            writer.rollback();
            dir.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing search index in " + where + " failed", e);
        }
    }
}
