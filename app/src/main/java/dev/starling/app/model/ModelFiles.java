package dev.starling.app.model;

import dev.starling.ai.backend.LocalBackend;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opening a GGUF for the command line, with errors people can act on. */
final class ModelFiles {

    private ModelFiles() {
    }

    /** The loaded model, or null after printing why not. */
    static LocalBackend open(Path model, PrintStream err) {
        if (!Files.isRegularFile(model)) {
            err.println("starling: no model file at " + model.toAbsolutePath());
            return null;
        }
        try {
            long t0 = System.nanoTime();
            LocalBackend backend = LocalBackend.open(model, LocalBackend.Options.defaults());
            err.printf("starling: loaded %s (%s, %d layers, dim %d, vocab %d, context %d) in %d ms%n",
                    backend.info().id(), backend.config().architecture(), backend.config().layers(),
                    backend.config().dim(), backend.config().vocabSize(), backend.config().contextLength(),
                    (System.nanoTime() - t0) / 1_000_000);
            return backend;
        } catch (IOException | RuntimeException e) {
            err.println("starling: cannot load " + model + ": " + e.getMessage());
            return null;
        }
    }
}
