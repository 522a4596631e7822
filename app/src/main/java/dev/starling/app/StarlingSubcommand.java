package dev.starling.app;

/**
 * Marker for subcommands contributed by other parts (e.g. {@code dev.starling.app.model}:
 * {@code generate}, {@code chat}, {@code bench}, {@code gguf}). Implement it on a picocli
 * {@code @Command} class with a public no-arg constructor and list the class in
 * {@code META-INF/services/dev.starling.app.StarlingSubcommand}; {@link Main} adds every one it
 * finds with {@link java.util.ServiceLoader}, so Main itself need not change.
 */
public interface StarlingSubcommand {
}
