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

    /**
     * Saves the cached vectors to {@code file} so that a later run need not embed them again.
     * Layout (big-endian): magic {@code SVEC}, version int 1, dimension int, count int, then per
     * text: UTF-8 length int, the bytes, dimension floats.
     */
    void save(java.nio.file.Path file) throws java.io.IOException {
        java.nio.file.Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (var out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(tmp), 1 << 16))) {
            out.writeInt(MAGIC);
            out.writeInt(1);
            out.writeInt(dimension());
            out.writeInt(byText.size());
            for (var e : byText.entrySet()) {
                byte[] t = e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.writeInt(t.length);
                out.write(t);
                for (float f : e.getValue()) {
                    out.writeFloat(f);
                }
            }
        }
        java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Loads vectors written by {@link #save}; returns how many. Fails naming the file and offset on a malformed one. */
    int load(java.nio.file.Path file) throws java.io.IOException {
        try (var in = new java.io.DataInputStream(new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(file), 1 << 16))) {
            long offset = 0;
            if (in.readInt() != MAGIC || in.readInt() != 1) {
                throw new java.io.IOException(file + " at offset 0: not a version 1 vector cache (magic SVEC)");
            }
            int dim = in.readInt();
            int count = in.readInt();
            offset = 16;
            if (dim != dimension() || count < 0 || count > 10_000_000) {
                throw new java.io.IOException(file + " at offset 8: dimension " + dim + " (want " + dimension() + ") or count " + count + " out of range");
            }
            for (int i = 0; i < count; i++) {
                int len = in.readInt();
                if (len < 0 || len > 1 << 20) {
                    throw new java.io.IOException(file + " at offset " + offset + ": text length " + len + " out of range");
                }
                byte[] t = in.readNBytes(len);
                float[] v = new float[dim];
                for (int k = 0; k < dim; k++) {
                    v[k] = in.readFloat();
                }
                offset += 4 + len + 4L * dim;
                byText.put(new String(t, java.nio.charset.StandardCharsets.UTF_8), v);
            }
            return count;
        } catch (java.io.EOFException e) {
            throw new java.io.IOException(file + ": truncated vector cache", e);
        }
    }

    private static final int MAGIC = 0x53564543; // "SVEC"

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
