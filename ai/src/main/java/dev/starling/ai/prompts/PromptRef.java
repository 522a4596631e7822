package dev.starling.ai.prompts;

/**
 * Which prompt produced an output: its name (the file {@code prompts/<name>.txt}), the version its header declares,
 * the first 12 hex digits of the SHA-256 of the file's bytes (changes with any edit, versioned or not), and where it
 * was read from ({@code classpath} or the operator's directory).
 */
public record PromptRef(String name, int version, String sha256, String source) {

    /** {@code ask v1 (sha256:0123456789ab)}, for logs and API outputs. */
    @Override
    public String toString() {
        return name + " v" + version + " (sha256:" + sha256 + ")";
    }
}
