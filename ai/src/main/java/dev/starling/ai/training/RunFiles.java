package dev.starling.ai.training;

import java.nio.file.Path;

/**
 * Where a run keeps its files, all derived from the output model path {@code DIR/NAME.gguf}: the model card beside
 * it ({@code NAME.card.json}, {@code NAME.card.md}) and the resumable state in {@code NAME.run/} (checkpoint,
 * run.json, the packed tokens and the tokenizer as a vocabulary-only GGUF).
 */
public record RunFiles(Path model, Path cardJson, Path cardMarkdown, Path runDirectory, Path checkpoint, Path state,
        Path tokens, Path vocabulary) {

    public static RunFiles of(Path model) {
        Path abs = model.toAbsolutePath().normalize();
        String name = baseName(abs);
        Path run = abs.resolveSibling(name + ".run");
        return new RunFiles(abs, abs.resolveSibling(name + ".card.json"), abs.resolveSibling(name + ".card.md"), run,
                run.resolve("checkpoint.stck"), run.resolve("run.json"), run.resolve("tokens.sttk"),
                run.resolve("vocab.gguf"));
    }

    /** The file name without {@code .gguf}. */
    public static String baseName(Path model) {
        String f = model.getFileName().toString();
        return f.endsWith(".gguf") && f.length() > 5 ? f.substring(0, f.length() - 5) : f;
    }
}
