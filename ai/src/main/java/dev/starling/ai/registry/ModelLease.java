package dev.starling.ai.registry;

import dev.starling.ai.backend.ModelBackend;
import dev.starling.ai.chat.ChatMessage;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request's hold on a model: the backend stays open until the lease is closed, even if the feature is switched to
 * another model meanwhile. Close it exactly when the request is done (try-with-resources); closing twice is harmless.
 */
public final class ModelLease implements AutoCloseable {

    private final ModelRegistry registry;
    private final ModelRegistry.Slot slot;
    private final ModelEntry entry;
    private final OpenedModel opened;
    private final AtomicBoolean closed = new AtomicBoolean();

    ModelLease(ModelRegistry registry, ModelRegistry.Slot slot, ModelEntry entry, OpenedModel opened) {
        this.registry = registry;
        this.slot = slot;
        this.entry = entry;
        this.opened = opened;
    }

    /** The model's id, as requests to {@link #backend()} name it. */
    public String modelId() {
        return entry.id();
    }

    public ModelEntry entry() {
        return entry;
    }

    public ModelBackend backend() {
        if (closed.get()) {
            throw new IllegalStateException("the lease on model " + entry.id() + " is closed");
        }
        return opened.backend();
    }

    /** Tokens {@code messages} become for this model (exact for the engine in this process). */
    public int promptTokens(List<ChatMessage> messages) {
        return opened.sizer().tokens(messages);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            registry.release(slot);
        }
    }
}
