package dev.starling.app.loadbench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code starling loadbench run}: one workload against a running server; prints a {@code loadbench-result} line. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Drive a running Starling (rate limits off) with one workload and print throughput and latency percentiles.")
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--url", required = true, paramLabel = "URL", description = "Base URL of the server, e.g. http://127.0.0.1:8080")
    URI url;

    @Option(names = "--tokens-file", required = true, paramLabel = "FILE", description = "Tokens written by 'loadbench seed'")
    Path tokensFile;

    @Option(names = "--workload", required = true, description = "home (GET /api/v1/timelines/home?limit=20) or write (POST /api/v1/statuses)")
    Workload workload;

    @Option(names = "--connections", defaultValue = "16", description = "Concurrent connections (one virtual thread each). Default: ${DEFAULT-VALUE}")
    int connections;

    @Option(names = "--warmup-seconds", defaultValue = "10", description = "Warm-up, not measured. Default: ${DEFAULT-VALUE}")
    double warmupSeconds;

    @Option(names = "--seconds", defaultValue = "30", description = "Measured window. Default: ${DEFAULT-VALUE}")
    double seconds;

    @Option(names = "--timeout-seconds", defaultValue = "10", description = "Per-request timeout. Default: ${DEFAULT-VALUE}")
    double timeoutSeconds;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "PER_SECOND",
            description = "Open loop: offered requests per second over all connections, latency measured from each request's"
                    + " scheduled send time (wrk2 style, coordinated omission counted). 0: closed loop. Default: ${DEFAULT-VALUE}")
    double ratePerSecond;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (token and text choice). Default: ${DEFAULT-VALUE}")
    long seed;

    @Override
    public Integer call() throws InterruptedException {
        LoadGenerator.Config config;
        try {
            List<BenchToken> tokens = BenchToken.read(tokensFile);
            config = new LoadGenerator.Config(url, tokens, workload, connections, seconds(warmupSeconds), seconds(seconds),
                    seconds(timeoutSeconds), seed, ratePerSecond);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            System.err.println("starling loadbench run: " + e.getMessage());
            return 2;
        }
        String problem = LoadGenerator.probe(config);
        if (problem != null) {
            System.err.println("starling loadbench run: the server does not serve this workload: " + problem);
            return 3;
        }
        System.err.printf("starling loadbench run: %s with %d connections, %s, %.0f s warm-up, %.0f s measured...%n",
                workload.label(), connections, ratePerSecond > 0 ? "open loop at " + ratePerSecond + "/s" : "closed loop",
                warmupSeconds, seconds);
        LoadResult result = LoadGenerator.run(config);
        System.err.println(result.describe());
        System.out.println(result.summaryLine());
        return 0;
    }

    private static Duration seconds(double s) {
        if (!(s >= 0 && s <= 86_400)) {
            throw new IllegalArgumentException("seconds must be 0..86400, was " + s);
        }
        return Duration.ofNanos((long) (s * 1e9));
    }
}
