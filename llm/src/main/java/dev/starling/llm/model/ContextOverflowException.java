package dev.starling.llm.model;

/** A sequence would grow past its KV cache (the context window): a clear error instead of a crash. */
public class ContextOverflowException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final int capacity;
    private final int requested;

    public ContextOverflowException(int capacity, int requested) {
        super("context overflow: " + requested + " tokens do not fit the context of " + capacity + " tokens");
        this.capacity = capacity;
        this.requested = requested;
    }

    public int capacity() {
        return capacity;
    }

    public int requested() {
        return requested;
    }
}
