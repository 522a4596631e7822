package dev.starling.ai.registry;

import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.gguf.GgufMetadata;
import dev.starling.llm.gguf.GgufTensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Describes a GGUF model from its header (nothing is loaded): family, size, parameter count, context, model card. */
public final class ModelFiles {

    /** The GGUF key a model trained by Starling carries its model card under (text: data, consent, settings). */
    public static final String MODEL_CARD_KEY = "starling.model_card";
    /** Longest model card kept (the API shows it). */
    public static final int MAX_MODEL_CARD_CHARS = 16 * 1024;

    private ModelFiles() {
    }

    /**
     * @param id the registry's name for the model; null for the file name without {@code .gguf}
     * @throws IOException when the file is missing or not a GGUF model (the message names the file)
     */
    public static ModelEntry describe(Path gguf, String id) throws IOException {
        if (!Files.isRegularFile(gguf)) {
            throw new IOException("the model file " + gguf + " does not exist");
        }
        try (GgufFile file = GgufFile.open(gguf)) {
            GgufMetadata md = file.metadata();
            String arch = md.getString("general.architecture", "unknown");
            long params = 0;
            for (GgufTensorInfo t : file.tensors()) {
                params += t.elementCount();
            }
            int context = md.getInt(arch + ".context_length", 2048);
            String card = md.getString(MODEL_CARD_KEY, null);
            if (card != null && card.length() > MAX_MODEL_CARD_CHARS) {
                card = card.substring(0, MAX_MODEL_CARD_CHARS) + "\u2026";
            }
            return new ModelEntry(id != null ? id : idOf(gguf), ModelEntry.Kind.LOCAL, gguf.toAbsolutePath().toString(),
                    arch, Files.size(gguf), params, Math.max(1, context), card);
        }
    }

    /** The file name without {@code .gguf}, as {@code LocalBackend} names its model. */
    public static String idOf(Path gguf) {
        String n = gguf.getFileName().toString();
        return n.endsWith(".gguf") ? n.substring(0, n.length() - 5) : n;
    }
}
