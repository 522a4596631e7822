package dev.starling.search.embed;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns text into a dense vector for semantic retrieval. Declared by {@code search} so that an
 * outer part (the model engine in {@code ai}) can supply its own; {@link MiniLmEmbedder} is the
 * default. Vectors must be L2-normalised (the index compares them with the dot product) and all
 * of length {@link #dimension()}. Implementations are thread-safe.
 */
public interface Embedder {

    /** Vector length. */
    int dimension();

    /** A short stable name recorded in the index, e.g. {@code all-minilm-l6-v2-q}; changing it requires a rebuild. */
    String name();

    /** The normalised embedding of {@code text} (an implementation may truncate long text; it says how in its docs). */
    float[] embed(String text);

    default List<float[]> embedAll(List<String> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(embed(t));
        }
        return out;
    }

    /** Scales {@code v} to unit length in place (zero vectors stay zero) and returns it. */
    static float[] normalize(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        if (s > 0) {
            float inv = (float) (1.0 / Math.sqrt(s));
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
        }
        return v;
    }
}
