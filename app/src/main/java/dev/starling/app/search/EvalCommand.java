package dev.starling.app.search;

import dev.starling.app.StarlingSubcommand;
import dev.starling.search.embed.MiniLmEmbedder;
import dev.starling.search.eval.PostgresFts;
import dev.starling.search.eval.SearchEvaluation;
import dev.starling.search.eval.SmartCollection;
import dev.starling.search.query.SearchMode;
import dev.starling.social.db.EmbeddedDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code starling eval search --smart DIR}: retrieval quality of lexical, semantic, hybrid search and PostgreSQL FTS. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Measure quality.",
        subcommands = {EvalCommand.SearchEval.class, dev.starling.app.lm.LmEvalCommand.class, CommandLine.HelpCommand.class})
public final class EvalCommand implements StarlingSubcommand, Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "search", mixinStandardHelpOptions = true,
            description = "Evaluate retrieval on a SMART-format test collection (DIR with *.ALL, *.QRY, *.REL, as CISI): "
                    + "nDCG@10, MAP and recall@100 for lexical (BM25), semantic (all-MiniLM-L6-v2), hybrid (RRF) and PostgreSQL full-text search.")
    public static final class SearchEval implements Callable<Integer> {
        @Option(names = "--smart", required = true, paramLabel = "DIR", description = "Directory of the collection")
        Path dir;

        @Option(names = "--no-postgres", description = "Skip the PostgreSQL full-text baseline (it starts a temporary embedded PostgreSQL)")
        boolean noPostgres;

        @Option(names = "--no-embeddings", description = "Lexical (and PostgreSQL) only")
        boolean noEmbeddings;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException(dir + " is not a directory");
            }
            SmartCollection c = SmartCollection.load(dir);
            System.err.printf("starling: %d documents, %d queries (%d judged) from %s%n", c.documents().size(), c.queries().size(),
                    c.judgedQueries().size(), dir);
            List<SearchEvaluation.Row> rows = new ArrayList<>();
            long t0 = System.nanoTime();
            try (SearchEvaluation e = new SearchEvaluation(c, noEmbeddings ? null : new MiniLmEmbedder(), n -> {
                if (n % 256 == 0 || n == c.documents().size()) {
                    System.err.println("starling: indexed " + n + " documents");
                }
            })) {
                System.err.printf("starling: indexing took %.1f s%n", (System.nanoTime() - t0) / 1e9);
                rows.add(e.evaluate("lexical (BM25)", e.ranker(SearchMode.TOP)));
                if (!noEmbeddings) {
                    rows.add(e.evaluate("semantic (MiniLM, HNSW)", e.ranker(SearchMode.SEMANTIC)));
                    rows.add(e.evaluate("hybrid (RRF k=60)", e.ranker(SearchMode.HYBRID)));
                }
            }
            if (!noPostgres) {
                try (EmbeddedDatabase pg = EmbeddedDatabase.startTemporary()) {
                    PostgresFts fts = new PostgresFts(pg.postgresDatabase(), "eval_docs", c.documents());
                    rows.add(SearchEvaluation.evaluate(c, "PostgreSQL FTS (ts_rank_cd)", fts));
                }
            }
            System.out.println(SearchEvaluation.Row.header());
            for (SearchEvaluation.Row r : rows) {
                System.out.println(r.format());
            }
            return 0;
        }
    }
}
