package dev.starling.llm.generate;

/** Text to a unit-length vector: a decoder ({@link LlamaModel}) or a BERT-style encoder ({@link EncoderModel}). */
public interface EmbeddingModel extends AutoCloseable {
    /** Length of the vectors. */
    int dimensions();

    /** The tokens this model would embed for the text (limits: the tokenizer's, and the context length). */
    int[] tokenize(String text);

    /** L2-normalized pooled embedding of the text. */
    default float[] embed(String text) {
        return embed(tokenize(text));
    }

    /** L2-normalized pooled embedding of these token ids. */
    float[] embed(int[] ids);

    @Override
    void close();

    /** Loads whichever kind the GGUF holds: {@code bert} gives an encoder, a Llama-family decoder a {@link LlamaModel}. */
    static EmbeddingModel load(java.nio.file.Path path) throws java.io.IOException {
        String arch;
        try (dev.starling.llm.gguf.GgufFile f = dev.starling.llm.gguf.GgufFile.open(path)) {
            arch = f.metadata().getString("general.architecture", "");
        }
        return "bert".equals(arch) ? EncoderModel.load(path, dev.starling.llm.tensor.ComputePool.shared()) : LlamaModel.load(path);
    }

    /** Scales v to unit length in place (a zero vector stays zero) and returns it. */
    static float[] normalize(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        float inv = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0f;
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
        return v;
    }
}
