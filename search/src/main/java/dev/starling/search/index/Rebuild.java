package dev.starling.search.index;

import dev.starling.social.export.PostExport;
import dev.starling.social.export.PostExport.ExportedPost;
import dev.starling.social.outbox.Outbox;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Recreates the index from the database (the source of truth): notes the outbox head first,
 * deletes every document, indexes every original post in id order, and commits with the noted
 * head as the covered position. Events after the head are replayed by the indexer on the next
 * start (idempotently), so nothing written during the rebuild is lost.
 */
public final class Rebuild {

    public static final int BATCH = 500;

    private Rebuild() {
    }

    /** Returns the number of posts indexed, each with its vector; {@code progress} gets the running count. */
    public static long run(PostIndex index, PostExport export, Outbox outbox, LongConsumer progress) {
        return run(index, export, outbox, progress, false);
    }

    /**
     * As {@link #run(PostIndex, PostExport, Outbox, LongConsumer)}; when {@code lexicalFirst}, posts
     * are indexed without waiting for their vectors, marked as owed one, and the
     * {@link OutboxIndexer} started afterwards adds them in the background (a server back up in
     * minutes rather than after embedding every post).
     */
    public static long run(PostIndex index, PostExport export, Outbox outbox, LongConsumer progress, boolean lexicalFirst) {
        long head = outbox.head();
        index.deleteAll();
        long after = 0;
        long done = 0;
        while (true) {
            List<ExportedPost> batch = export.originalsAfter(after, BATCH);
            if (batch.isEmpty()) {
                break;
            }
            Map<Long, ExportedPost> byId = new HashMap<>();
            for (ExportedPost p : batch) {
                byId.put(p.post().id(), p);
            }
            if (lexicalFirst) {
                index.applyLexicalFirst(byId.keySet(), byId, Map.of());
            } else {
                index.apply(byId.keySet(), byId);
            }
            after = batch.getLast().post().id();
            done += batch.size();
            progress.accept(done);
        }
        index.commit(head);
        outbox.checkpoint(OutboxIndexer.CONSUMER, head);
        index.refresh();
        return done;
    }
}
