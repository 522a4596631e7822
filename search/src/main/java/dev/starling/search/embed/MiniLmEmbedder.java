package dev.starling.search.embed;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The default {@link Embedder}: all-MiniLM-L6-v2 (384 dimensions, quantized ONNX) on ONNX Runtime,
 * as bundled by langchain4j. Its tokenizer stops at 128 word-pieces, so text longer than
 * {@link #CHUNK_WORDS} whitespace-separated words (posts never are; CISI abstracts are) is cut
 * into chunks of that many words whose embeddings are averaged and normalised again. At most
 * {@link #MAX_CHUNKS} chunks are embedded; the rest of a very long text is ignored.
 */
public final class MiniLmEmbedder implements Embedder {

    public static final int DIMENSION = 384;
    public static final int CHUNK_WORDS = 80;
    public static final int MAX_CHUNKS = 16;

    private final EmbeddingModel model;

    public MiniLmEmbedder() {
        this.model = new AllMiniLmL6V2QuantizedEmbeddingModel();
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public String name() {
        return "all-minilm-l6-v2-q";
    }

    @Override
    public float[] embed(String text) {
        return embedAll(List.of(text)).getFirst();
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        List<TextSegment> segments = new ArrayList<>();
        int[] chunkCounts = new int[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            List<String> chunks = chunks(texts.get(i));
            chunkCounts[i] = chunks.size();
            for (String c : chunks) {
                segments.add(TextSegment.from(c));
            }
        }
        List<Embedding> vectors = model.embedAll(segments).content();
        List<float[]> out = new ArrayList<>(texts.size());
        int at = 0;
        for (int n : chunkCounts) {
            float[] sum = new float[DIMENSION];
            for (int k = 0; k < n; k++) {
                float[] v = vectors.get(at++).vector();
                for (int d = 0; d < DIMENSION; d++) {
                    sum[d] += v[d];
                }
            }
            out.add(Embedder.normalize(sum));
        }
        return out;
    }

    /** Whitespace-word chunks of at most {@link #CHUNK_WORDS} words; one chunk (maybe a blank one) at least. */
    static List<String> chunks(String text) {
        String t = text == null ? "" : text.strip();
        String[] words = t.isEmpty() ? new String[0] : t.split("\\s+");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < words.length && out.size() < MAX_CHUNKS; i += CHUNK_WORDS) {
            out.add(String.join(" ", java.util.Arrays.copyOfRange(words, i, Math.min(words.length, i + CHUNK_WORDS))));
        }
        if (out.isEmpty()) {
            out.add(t.isEmpty() ? " " : t);
        }
        return out;
    }
}
