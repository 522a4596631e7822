package dev.starling.app.search;

import dev.starling.app.DatabaseOptions;
import dev.starling.app.StarlingSubcommand;
import dev.starling.search.embed.MiniLmEmbedder;
import dev.starling.search.index.PostIndex;
import dev.starling.search.index.Rebuild;
import dev.starling.social.Social;
import dev.starling.social.export.PostExport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code starling index rebuild}: recreates the search index under DATA_DIR/index from the database. */
@Command(name = "index", mixinStandardHelpOptions = true, description = "Manage the search index.",
        subcommands = {IndexCommand.RebuildCommand.class, CommandLine.HelpCommand.class})
public final class IndexCommand implements StarlingSubcommand, Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "rebuild", mixinStandardHelpOptions = true,
            description = "Recreate the search index from the database (stop `starling serve` first: the index is locked while it runs).")
    public static final class RebuildCommand implements Callable<Integer> {
        @Mixin
        DatabaseOptions db;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--no-embeddings", description = "Index without vectors (semantic and hybrid search fall back to Top)")
        boolean noEmbeddings;

        @Option(names = "--index-dir", paramLabel = "DIR", description = "Index directory (default: DATA_DIR/index)")
        Path indexDir;

        @Override
        public Integer call() {
            System.err.println("starling: opening " + db.describe());
            try (DatabaseOptions.Opened opened = db.open()) {
                Path dir = indexDir != null ? indexDir : dataDir().resolve("index");
                PostIndex.deleteFiles(dir); // a rebuild starts from nothing: an index of another format or embedder would not even open
                Social social = Social.create(opened.database(), Social.Settings.defaults());
                long t0 = System.nanoTime();
                try (PostIndex index = PostIndex.open(dir, noEmbeddings ? null : new MiniLmEmbedder())) {
                    long n = Rebuild.run(index, new PostExport(opened.database()), social.outbox(), done -> {
                        if (done % 5000 == 0) {
                            System.err.println("starling: indexed " + done + " posts");
                        }
                    });
                    double s = (System.nanoTime() - t0) / 1e9;
                    System.out.printf("indexed %d posts in %.1f s (%.0f posts/s) into %s%n", n, s, n / Math.max(s, 1e-9), dir.toAbsolutePath());
                }
            }
            return 0;
        }

        private Path dataDir() {
            Object v = spec.findOption("--data-dir").getValue();
            return v == null ? Path.of("./data") : (Path) v;
        }

    }
}
