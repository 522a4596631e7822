package dev.starling.search.index;

import dev.starling.search.embed.Embedder;
import dev.starling.search.index.PostIndex.PendingVector;
import dev.starling.search.index.PostIndex.ReadyVector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The second pass of indexing: the lexical pass ({@link PostIndex#applyLexicalFirst}) indexes a post
 * at once, without its vector, and hands it here; this embeds the texts (a batch at a time, on its
 * own thread, so a burst of writes delays semantic recall but never lexical freshness) and holds
 * the vectors until the indexer applies them ({@link #takeReady()}: it reloads the post and writes
 * it again with its vector, as long as the text is still the one embedded).
 *
 * <p>Equal texts have equal vectors: the last {@value #CACHED_TEXTS} texts embedded are kept, and
 * a post with one of them needs no model call. At most {@value #MAX_QUEUED} posts wait here; beyond
 * that {@link #offer} drops them and says so ({@link #takeOverflowed()}): they stay marked in the
 * index ({@link PostFields#VECTOR_PENDING}) and the indexer finds them there when this is idle,
 * exactly as after a crash. Thread-safe.
 */
public final class VectorBackfill {

    public static final int MAX_QUEUED = 100_000;
    /** Texts per model call. */
    public static final int BATCH = 32;
    public static final int CACHED_TEXTS = 4096;

    private final Embedder embedder;
    private final int maxQueued;
    private final LinkedHashMap<Long, String> queued = new LinkedHashMap<>();
    private final Set<Long> inFlight = new HashSet<>();
    private final Map<Long, ReadyVector> ready = new HashMap<>();
    private final LinkedHashMap<String, float[]> recent = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > CACHED_TEXTS;
        }
    };
    private boolean overflowed;
    private long embeddedTexts;
    private long cachedPosts;
    private long embedNanos;

    public VectorBackfill(Embedder embedder) {
        this(embedder, MAX_QUEUED);
    }

    /** With at most {@code maxQueued} posts waiting (1..{@value #MAX_QUEUED}). */
    public VectorBackfill(Embedder embedder, int maxQueued) {
        if (embedder == null) {
            throw new IllegalArgumentException("a vector backfill needs an embedder");
        }
        if (maxQueued < 1 || maxQueued > MAX_QUEUED) {
            throw new IllegalArgumentException("maxQueued must be 1.." + MAX_QUEUED + ", was " + maxQueued);
        }
        this.embedder = embedder;
        this.maxQueued = maxQueued;
    }

    /** At most this many posts wait here. */
    public int maxQueued() {
        return maxQueued;
    }

    /** Posts indexed without their vector. A text embedded recently is ready at once. */
    public synchronized void offer(List<PendingVector> pending) {
        for (PendingVector p : pending) {
            float[] known = recent.get(p.text());
            if (known != null) {
                ready.put(p.postId(), new ReadyVector(p.text(), known));
                queued.remove(p.postId());
                cachedPosts++;
            } else if (queued.containsKey(p.postId()) || queued.size() < maxQueued) {
                queued.put(p.postId(), p.text());
            } else {
                overflowed = true;
            }
        }
        if (!queued.isEmpty()) {
            notifyAll();
        }
    }

    /**
     * Embeds the next batch of waiting posts (up to {@value #BATCH} distinct texts), waiting up to
     * {@code waitMillis} for work when there is none; returns how many posts got their vector.
     * The model is called without holding the lock. If it fails, the batch goes back to the queue.
     */
    public int embedNext(long waitMillis) throws InterruptedException {
        Map<Long, String> batch = new LinkedHashMap<>();
        synchronized (this) {
            if (queued.isEmpty() && waitMillis > 0) {
                wait(waitMillis);
            }
            Set<String> texts = new HashSet<>();
            for (Iterator<Map.Entry<Long, String>> it = queued.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Long, String> e = it.next();
                if (!texts.contains(e.getValue()) && texts.size() == BATCH) {
                    break;
                }
                texts.add(e.getValue());
                batch.put(e.getKey(), e.getValue());
                inFlight.add(e.getKey());
                it.remove();
            }
        }
        if (batch.isEmpty()) {
            return 0;
        }
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(batch.values()));
        long t0 = System.nanoTime();
        List<float[]> vectors;
        try {
            vectors = embedder.embedAll(distinct);
        } catch (RuntimeException e) {
            synchronized (this) {
                inFlight.removeAll(batch.keySet());
                batch.forEach(queued::putIfAbsent);
            }
            throw e;
        }
        long took = System.nanoTime() - t0;
        synchronized (this) {
            Map<String, float[]> byText = new HashMap<>();
            for (int i = 0; i < distinct.size(); i++) {
                byText.put(distinct.get(i), vectors.get(i));
                recent.put(distinct.get(i), vectors.get(i));
            }
            for (Map.Entry<Long, String> e : batch.entrySet()) {
                inFlight.remove(e.getKey());
                if (!queued.containsKey(e.getKey())) { // re-offered meanwhile with another text: that one is embedded next
                    ready.put(e.getKey(), new ReadyVector(e.getValue(), byText.get(e.getValue())));
                }
            }
            embeddedTexts += distinct.size();
            embedNanos += took;
        }
        return batch.size();
    }

    /** The vectors computed since the last call, by post id (the indexer applies them). */
    public synchronized Map<Long, ReadyVector> takeReady() {
        if (ready.isEmpty()) {
            return Map.of();
        }
        Map<Long, ReadyVector> out = new HashMap<>(ready);
        ready.clear();
        return out;
    }

    /** Whether {@code postId} is waiting, being embedded or ready here. */
    public synchronized boolean holds(long postId) {
        return queued.containsKey(postId) || inFlight.contains(postId) || ready.containsKey(postId);
    }

    /** Nothing waiting, being embedded or ready. */
    public synchronized boolean idle() {
        return queued.isEmpty() && inFlight.isEmpty() && ready.isEmpty();
    }

    /** Whether {@link #offer} dropped posts since the last call (they are still marked in the index). */
    public synchronized boolean takeOverflowed() {
        boolean o = overflowed;
        overflowed = false;
        return o;
    }

    /** Posts waiting for the model (not counting the batch being embedded). */
    public synchronized int queued() {
        return queued.size();
    }

    /** What this pass has done: texts embedded by the model, posts served from the text cache, model time. */
    public record Stats(long embeddedTexts, long cachedPosts, long embedMillis, int queued) {
    }

    public synchronized Stats stats() {
        return new Stats(embeddedTexts, cachedPosts, TimeUnit.NANOSECONDS.toMillis(embedNanos), queued.size());
    }
}
