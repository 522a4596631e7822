package dev.starling.llm.train;

import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.gguf.GgufWriter;
import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.model.RopeStyle;
import dev.starling.llm.synth.ModelVocabulary;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes trained F32 parameters as a GGUF decoder with the metadata layout of
 * {@code dev.starling.llm.synth.SyntheticModel} (llama.cpp's key names), loadable by
 * {@code dev.starling.llm.generate.LlamaModel}. A tied model has no {@code output.weight}.
 */
public final class GgufExport {
    private GgufExport() {
    }

    /** Writes the model with the given vocabulary (its size must equal the model's); returns the file size in bytes. */
    public static long write(LlamaParameters p, ModelVocabulary vocab, String name, Path out) throws IOException {
        return write(p, vocab, name, java.util.Map.of(), out);
    }

    /**
     * As {@link #write(LlamaParameters, ModelVocabulary, String, Path)}, with extra metadata written after the
     * model's keys (e.g. a training pipeline's {@code starling.model_card}); keys must not be general.*,
     * architecture or tokenizer.* keys.
     */
    public static long write(LlamaParameters p, ModelVocabulary vocab, String name,
                             java.util.Map<String, dev.starling.llm.gguf.GgufMetadata.Entry> extra, Path out) throws IOException {
        String arch = p.config().architecture();
        for (String k : extra.keySet()) {
            if (k.startsWith("general.") || k.startsWith("tokenizer.") || k.startsWith(arch + ".")) {
                throw new IllegalArgumentException("extra metadata key " + k + " would clash with the model's own keys");
            }
        }
        ModelConfig c = p.config();
        if (vocab.size() != c.vocabSize()) {
            throw new IllegalArgumentException("vocabulary has " + vocab.size() + " tokens, the model " + c.vocabSize());
        }
        RopeStyle expected = c.architecture().startsWith("qwen") ? RopeStyle.NEOX : RopeStyle.NORMAL;
        if (c.ropeStyle() != expected || c.ropeFreqScale() != 1f || c.ropeDims() != c.headDim()) {
            // the loader infers the rope pairing from the architecture name and has no key for these
            throw new IllegalArgumentException("architecture " + c.architecture() + " loads with " + expected
                    + " rope over the whole head, unscaled; the model has " + c.ropeStyle() + " over " + c.ropeDims()
                    + " dims, scale " + c.ropeFreqScale());
        }
        String a = c.architecture();
        GgufWriter w = GgufWriter.create(out);
        w.putString("general.architecture", a);
        w.putString("general.name", name);
        w.putUInt32("general.file_type", 0); // ALL_F32
        w.putUInt32("general.alignment", 32);
        w.putUInt32(a + ".vocab_size", c.vocabSize());
        w.putUInt32(a + ".context_length", c.contextLength());
        w.putUInt32(a + ".embedding_length", c.dim());
        w.putUInt32(a + ".block_count", c.layers());
        w.putUInt32(a + ".feed_forward_length", c.ffnDim());
        w.putUInt32(a + ".attention.head_count", c.heads());
        w.putUInt32(a + ".attention.head_count_kv", c.kvHeads());
        w.putUInt32(a + ".attention.key_length", c.headDim());
        w.putUInt32(a + ".attention.value_length", c.headDim());
        w.putUInt32(a + ".rope.dimension_count", c.ropeDims());
        w.putFloat32(a + ".rope.freq_base", c.ropeTheta());
        w.putFloat32(a + ".attention.layer_norm_rms_epsilon", c.rmsEps());
        vocab.writeTo(w);
        extra.forEach(w::putEntry);
        for (TrainParameter t : p.all()) {
            // GGUF dims are [cols, rows] (ne0 fastest); vectors are 1-D
            long[] dims = t.rows() == 1 ? new long[] {t.cols()} : new long[] {t.cols(), t.rows()};
            w.addTensor(t.name(), GgmlType.F32, dims, t.value().clone());
        }
        return w.write();
    }
}
