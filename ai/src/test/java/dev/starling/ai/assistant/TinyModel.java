package dev.starling.ai.assistant;

import dev.starling.ai.registry.Feature;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.ModelVocabulary;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A real model of our engine, tiny (random weights, a synthetic 1,024-token vocabulary: prompts are mostly byte tokens,
 * and a small vocabulary keeps the per-token logits cheap) with a 4096-token context, as a GGUF file.
 */
final class TinyModel {

    static final String ID = "tiny-assistant";
    static final Shape SHAPE = new Shape("tiny-assistant", "llama", 64, 2, 4, 2, 16, 128, 0, 4096, 10000f, 1e-5f,
            false, false, false, 0f);

    private TinyModel() {
    }

    static Path write(Path dir) {
        return write(dir, SHAPE, ID + ".gguf");
    }

    /** The same model with a context of {@code contextTokens} (the demo model has 256), as {@code <ID>-<n>.gguf}. */
    static Path writeWithContext(Path dir, int contextTokens) {
        Shape s = new Shape("tiny-assistant", "llama", 64, 2, 4, 2, 16, 128, 0, contextTokens, 10000f, 1e-5f, false, false, false, 0f);
        return write(dir, s, ID + "-" + contextTokens + ".gguf");
    }

    private static Path write(Path dir, Shape shape, String name) {
        Path file = dir.resolve(name);
        try {
            SyntheticModel.write(shape, GgmlType.F32, ModelVocabulary.synthetic(1024), 7, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** A registry serving the assistant with the model at {@code gguf} (loaded in this process). */
    static ModelRegistry registry(Path gguf) {
        ModelRegistry r = ModelRegistry.withDefaultOpener();
        try {
            r.addFile(gguf, ID);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ModelRegistry.SwitchOutcome o = r.assign(Feature.ASSISTANT, ID);
        if (o instanceof ModelRegistry.SwitchOutcome.Rejected rej) {
            throw new IllegalStateException(rej.reason());
        }
        return r;
    }
}
