package dev.starling.llm.generate;

import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.model.BertConfig;
import dev.starling.llm.model.BertEncoder;
import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.tokenizer.Tokenizer;
import dev.starling.llm.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Path;

/** A BERT-style embedding model from GGUF: WordPiece tokens ([CLS] ... [SEP]), encoder, pooling, L2 norm. Thread-safe. */
public final class EncoderModel implements EmbeddingModel {
    private final GgufFile gguf;
    private final BertEncoder encoder;
    private final Tokenizer tokenizer;

    private EncoderModel(GgufFile gguf, BertEncoder encoder, Tokenizer tokenizer) {
        this.gguf = gguf;
        this.encoder = encoder;
        this.tokenizer = tokenizer;
    }

    public static EncoderModel load(Path path, ComputePool pool) throws IOException {
        GgufFile f = GgufFile.open(path);
        try {
            BertConfig c = BertConfig.from(f);
            return new EncoderModel(f, new BertEncoder(f, c, pool), Tokenizers.fromGguf(f.metadata()));
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    public BertConfig config() {
        return encoder.config();
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public int dimensions() {
        return encoder.config().dim();
    }

    /** WordPiece ids wrapped in [CLS] ... [SEP], cut to the context length (keeping the final [SEP]). */
    @Override
    public int[] tokenize(String text) {
        int[] ids = tokenizer.encode(text, true, false);
        int max = encoder.config().contextLength();
        if (ids.length > max) {
            int[] cut = java.util.Arrays.copyOf(ids, max);
            cut[max - 1] = ids[ids.length - 1];
            return cut;
        }
        return ids;
    }

    @Override
    public float[] embed(int[] ids) {
        return EmbeddingModel.normalize(encoder.pooled(ids));
    }

    @Override
    public void close() {
        gguf.close();
    }
}
