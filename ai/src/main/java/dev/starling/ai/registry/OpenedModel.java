package dev.starling.ai.registry;

import dev.starling.ai.backend.ModelBackend;
import java.util.Objects;

/** A backend that is loaded, with the way to size its prompts. The registry closes the backend when done. */
public record OpenedModel(ModelBackend backend, PromptSizer sizer) {

    public OpenedModel {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(sizer, "sizer");
    }

    public static OpenedModel of(ModelBackend backend) {
        return new OpenedModel(backend, PromptSizer.of(backend));
    }
}
