package dev.starling.search.bench;

import dev.starling.search.embed.Embedder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's way to 1M embedded posts on this machine: each distinct text is embedded once by
 * the real model ({@link #prefill}) and its vector reused for every post with exactly that text.
 * Equal texts have equal embeddings, so the index holds the same vectors a post-by-post run would
 * write; only the repeated model calls are saved. Texts not prefilled (queries, new posts) go to
 * the model and are not cached. Same name and dimension as the model, as the index records them.
 */
final class TextCachedEmbedder implements Embedder {

    private final Embedder model;
    private final ConcurrentHashMap<String, float[]> byText = new ConcurrentHashMap<>();
    final AtomicLong hits = new AtomicLong();
    final AtomicLong misses = new AtomicLong();

    TextCachedEmbedder(Embedder model) {
        this.model = model;
    }

    /** Embeds the distinct texts with the model in batches of {@code batch}. */
    void prefill(List<String> distinctTexts, int batch) {
        for (int i = 0; i < distinctTexts.size(); i += batch) {
            List<String> b = distinctTexts.subList(i, Math.min(distinctTexts.size(), i + batch));
            List<float[]> v = model.embedAll(b);
            for (int k = 0; k < b.size(); k++) {
                byText.put(b.get(k), v.get(k));
            }
        }
    }

    int cachedTexts() {
        return byText.size();
    }

    @Override
    public int dimension() {
        return model.dimension();
    }

    @Override
    public String name() {
        return model.name();
    }

    @Override
    public float[] embed(String text) {
        return embedAll(List.of(text)).getFirst();
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        List<Integer> missingAt = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            float[] v = byText.get(texts.get(i));
            out.add(v == null ? null : v.clone());
            if (v == null) {
                missingAt.add(i);
            }
        }
        hits.addAndGet(texts.size() - missingAt.size());
        if (!missingAt.isEmpty()) {
            misses.addAndGet(missingAt.size());
            List<float[]> fresh = model.embedAll(missingAt.stream().map(texts::get).toList());
            for (int k = 0; k < missingAt.size(); k++) {
                out.set(missingAt.get(k), fresh.get(k));
            }
        }
        return out;
    }
}
