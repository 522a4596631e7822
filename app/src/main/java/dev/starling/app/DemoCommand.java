package dev.starling.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code starling demo}: builds the demo network into the database (when it is empty) and exits. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Build the deterministic demo network into the database and exit.")
public final class DemoCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the demo network. Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--corpus", paramLabel = "FILE", description = "Post texts: one post per line, or JSONL with a \"text\" field (default: the shipped corpus)")
    Path corpus;

    @Override
    public Integer call() {
        System.err.println("starling: opening " + db.describe());
        try (DatabaseOptions.Opened opened = db.open()) {
            Demo.buildIfEmpty(opened.database(), seed, corpus, System.err);
        }
        return 0;
    }
}
