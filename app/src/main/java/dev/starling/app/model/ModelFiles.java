package dev.starling.app.model;

import dev.starling.ai.backend.LocalBackend;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opening a GGUF for the command line, with errors people can act on. */
final class ModelFiles {

    /** An opened backend and the model name to send it. */
    record Opened(dev.starling.ai.backend.ModelBackend backend, String modelId) {
    }

    /**
     * The backend the flags ask for: the GGUF given with {@code -m} in this process, or the OpenAI-compatible server
     * given with {@code --upstream} (and {@code --upstream-model}); null after printing why not.
     */
    static Opened open(Path model, String upstream, String upstreamModel, String upstreamKey, PrintStream err) {
        if ((model == null) == (upstream == null)) {
            err.println("starling: give a model file (-m MODEL.gguf) or an OpenAI-compatible server (--upstream URL)");
            return null;
        }
        if (model != null) {
            LocalBackend local = open(model, err);
            return local == null ? null : new Opened(local, local.info().id());
        }
        if (upstreamModel == null || upstreamModel.isBlank()) {
            err.println("starling: --upstream needs --upstream-model NAME (the model the server should use)");
            return null;
        }
        try {
            return new Opened(new dev.starling.ai.backend.OpenAiHttpBackend(upstream, upstreamKey, 5_000, 600_000),
                    upstreamModel);
        } catch (IllegalArgumentException e) {
            err.println("starling: " + e.getMessage());
            return null;
        }
    }

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
