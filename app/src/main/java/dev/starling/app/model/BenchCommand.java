package dev.starling.app.model;

import dev.starling.app.StarlingSubcommand;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code starling bench -m MODEL}: llama-bench-style prefill and decode tokens/s, by the engine team's benchmark
 * ({@code dev.starling.llm.bench.Bench}); when a build does not have it, says so.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure prefill and decode tokens/s of a GGUF model (and concurrent streams), llama-bench style.")
public final class BenchCommand implements Callable<Integer>, StarlingSubcommand {

    static final String ENGINE_BENCH = "dev.starling.llm.bench.Bench";

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL.gguf", description = "The model file")
    Path model;

    @Option(names = {"-t", "--threads"}, description = "Compute threads (default: all cores)")
    Integer threads;

    @Option(names = "--prefill", defaultValue = "512", description = "Prompt tokens per prefill. Default: ${DEFAULT-VALUE}")
    int prefillTokens;

    @Option(names = "--decode", defaultValue = "64", description = "Tokens decoded per run. Default: ${DEFAULT-VALUE}")
    int decodeTokens;

    @Option(names = "--streams", defaultValue = "8", description = "Concurrent streams for the batched run. Default: ${DEFAULT-VALUE}")
    int streams;

    @Option(names = "--repeats", defaultValue = "3", description = "Measured rounds after a warm-up. Default: ${DEFAULT-VALUE}")
    int repeats;

    PrintStream err = System.err;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(model)) {
            err.println("starling: no model file at " + model.toAbsolutePath());
            return 1;
        }
        if (prefillTokens < 1 || decodeTokens < 1 || streams < 1 || repeats < 1 || (threads != null && threads < 1)) {
            err.println("starling: --prefill, --decode, --streams, --repeats and --threads must be at least 1");
            return 2;
        }
        Method main;
        try {
            main = Class.forName(ENGINE_BENCH).getMethod("main", String[].class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            err.println("starling: this build has no engine benchmark (" + ENGINE_BENCH + ")");
            return 1;
        }
        List<String> args = new ArrayList<>(List.of("--model", model.toString(), "--prefill",
                String.valueOf(prefillTokens), "--decode", String.valueOf(decodeTokens), "--streams",
                String.valueOf(streams), "--repeats", String.valueOf(repeats)));
        if (threads != null) {
            args.addAll(List.of("--threads", String.valueOf(threads)));
        }
        try {
            main.invoke(null, (Object) args.toArray(String[]::new));
            return 0;
        } catch (InvocationTargetException e) {
            err.println("starling: the benchmark failed: " + e.getCause());
            return 1;
        }
    }
}
