package dev.starling.app.loadbench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code starling loadbench capacity}: the open-loop capacity of a running server with this generator (see
 * {@link CapacitySearch}); prints each step's {@code loadbench-result} line (with {@code step=N}) and then one
 * {@code loadbench-capacity} line, which {@code scripts/bench-network.sh} takes its open-loop rates from.
 */
@Command(name = "capacity", mixinStandardHelpOptions = true,
        description = "Find the highest open-loop rate this generator and a running server keep up with together: bisection with"
                + " short open-loop steps; a step keeps up when it has no errors, the generator kept its schedule and p99 stays"
                + " within a bound.")
public final class CapacityCommand implements Callable<Integer> {
    @Option(names = "--url", required = true, paramLabel = "URL", description = "Base URL of the server, e.g. http://127.0.0.1:8080")
    URI url;

    @Option(names = "--tokens-file", required = true, paramLabel = "FILE", description = "Tokens written by 'loadbench seed'")
    Path tokensFile;

    @Option(names = "--workload", defaultValue = "home", description = "home or write. Default: ${DEFAULT-VALUE}")
    Workload workload;

    @Option(names = "--connections", defaultValue = "16", description = "Concurrent connections. Default: ${DEFAULT-VALUE}")
    int connections;

    @Option(names = "--upper-rate", required = true, paramLabel = "PER_SECOND",
            description = "Top of the range searched, e.g. a little over the closed-loop maximum")
    double upperRate;

    @Option(names = "--steps", defaultValue = "6", description = "Bisection steps (the answer is within upper / 2^steps). Default: ${DEFAULT-VALUE}")
    int steps;

    @Option(names = "--step-warmup-seconds", defaultValue = "1", description = "Unmeasured start of each step. Default: ${DEFAULT-VALUE}")
    double stepWarmupSeconds;

    @Option(names = "--step-seconds", defaultValue = "4", description = "Measured window of each step. Default: ${DEFAULT-VALUE}")
    double stepSeconds;

    @Option(names = "--max-p99-ms", defaultValue = "20", description = "A step keeps up only with p99 at most this. Default: ${DEFAULT-VALUE}")
    double maxP99Millis;

    @Option(names = "--timeout-seconds", defaultValue = "10", description = "Per-request timeout. Default: ${DEFAULT-VALUE}")
    double timeoutSeconds;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (token choice). Default: ${DEFAULT-VALUE}")
    long seed;

    @Override
    public Integer call() throws InterruptedException {
        List<BenchToken> tokens;
        LoadGenerator.Config probeConfig;
        try {
            tokens = BenchToken.read(tokensFile);
            probeConfig = config(tokens, 1);
            config(tokens, upperRate); // rejects a bad rate or window before the first step
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            System.err.println("starling loadbench capacity: " + e.getMessage());
            return 2;
        }
        String problem = LoadGenerator.probe(probeConfig);
        if (problem != null) {
            System.err.println("starling loadbench capacity: the server does not serve this workload: " + problem);
            return 3;
        }
        int[] n = {0};
        CapacitySearch.Outcome outcome;
        try {
            outcome = CapacitySearch.search(upperRate, steps, maxP99Millis, rate -> {
                System.err.printf(Locale.ROOT, "starling loadbench capacity: step %d, %.0f/s offered...%n", n[0] + 1, rate);
                LoadResult r = LoadGenerator.run(config(tokens, rate));
                String missed = CapacitySearch.missed(r, maxP99Millis);
                System.err.println(r.describe() + "\n  " + (missed == null ? "kept up" : "did not keep up: " + missed));
                System.out.println(r.summaryLine() + " step=" + ++n[0]);
                return r;
            });
        } catch (IllegalArgumentException e) {
            System.err.println("starling loadbench capacity: " + e.getMessage());
            return 2;
        }
        System.out.printf(Locale.ROOT, "loadbench-capacity workload=%s capacity_per_s=%.0f upper_per_s=%.0f at_top=%s steps=%d"
                        + " step_seconds=%.1f max_p99_ms=%.3f connections=%d ramp=%s%n",
                workload.name().toLowerCase(Locale.ROOT), outcome.capacityPerSecond(), upperRate, outcome.atTop() ? "yes" : "no",
                outcome.steps().size(), stepSeconds, maxP99Millis, connections,
                outcome.steps().stream().map(CapacitySearch.Step::brief).collect(Collectors.joining(",")));
        return outcome.capacityPerSecond() > 0 ? 0 : 1;
    }

    private LoadGenerator.Config config(List<BenchToken> tokens, double rate) {
        return new LoadGenerator.Config(url, tokens, workload, connections, seconds(stepWarmupSeconds), seconds(stepSeconds),
                seconds(timeoutSeconds), seed, rate);
    }

    private static Duration seconds(double s) {
        if (!(s >= 0 && s <= 3_600)) {
            throw new IllegalArgumentException("seconds must be 0..3600, was " + s);
        }
        return Duration.ofNanos((long) (s * 1e9));
    }
}
