package dev.starling.search.index;

import dev.starling.search.embed.Embedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small real embedder for tests: each lower-cased word is hashed into one of 64 dimensions (bag
 * of words, L2-normalised), so equal texts have equal vectors and a text is nearest to itself.
 * Batch calls ({@link #embedAll}, what indexing uses) wait until the gate is opened, standing in
 * for a model that is slow under load; single calls (query embeddings) do not wait.
 */
final class GatedWordEmbedder implements Embedder {

    private final CountDownLatch gate;
    final AtomicInteger batchCalls = new AtomicInteger();
    final AtomicInteger textsEmbedded = new AtomicInteger();

    GatedWordEmbedder(boolean open) {
        this.gate = new CountDownLatch(open ? 0 : 1);
    }

    void open() {
        gate.countDown();
    }

    @Override
    public int dimension() {
        return 64;
    }

    @Override
    public String name() {
        return "test-word-hash";
    }

    @Override
    public float[] embed(String text) {
        float[] v = new float[64];
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!w.isEmpty()) {
                v[Math.floorMod(w.hashCode(), 64)] += 1;
            }
        }
        return Embedder.normalize(v);
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        batchCalls.incrementAndGet();
        try {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test embedder gate not opened within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        List<float[]> out = new ArrayList<>();
        for (String t : texts) {
            out.add(embed(t));
            textsEmbedded.incrementAndGet();
        }
        return out;
    }
}
