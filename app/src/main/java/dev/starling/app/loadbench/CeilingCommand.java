package dev.starling.app.loadbench;

import dev.starling.server.StarlingServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code starling loadbench ceiling}: serves one fixed home page through Starling's HTTP stack with no database (see
 * {@link CeilingServer}), until stopped; drive it with {@code loadbench run --workload home}.
 */
@Command(name = "ceiling", mixinStandardHelpOptions = true,
        description = "Serve a fixed home page (captured from a real one) through Starling's HTTP stack and authentication, with no"
                + " database: the most home requests per second this stack can answer. Runs until stopped.")
public final class CeilingCommand implements Callable<Integer> {
    @Option(names = "--page", required = true, paramLabel = "FILE", description = "The response body: a home page as serve answered it")
    Path page;

    @Option(names = "--link", paramLabel = "VALUE", description = "The Link header to send with it (as serve sent it)")
    String link;

    @Option(names = "--tokens-file", required = true, paramLabel = "FILE", description = "Tokens written by 'loadbench seed'")
    Path tokensFile;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind. Default: ${DEFAULT-VALUE}")
    String host;

    @Option(names = "--port", defaultValue = "0", description = "Port (0: a free one). Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--rate-limits", description = "Count every request and send X-RateLimit-* headers as serve with its limits on"
            + " does (budgets too large to refuse): the cost of rate limiting. Default: off, as 'serve --no-rate-limits'")
    boolean rateLimits;

    @Override
    public Integer call() throws InterruptedException {
        StarlingServer server;
        try {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--port must be 0..65535, was " + port);
            }
            if (Files.size(page) > CeilingServer.MAX_BODY_BYTES) {
                throw new IllegalArgumentException(page + ": larger than " + CeilingServer.MAX_BODY_BYTES + " bytes");
            }
            byte[] body = Files.readAllBytes(page);
            List<BenchToken> tokens = BenchToken.read(tokensFile);
            server = CeilingServer.start(host, port, body, link == null || link.isBlank() ? null : link.strip(), tokens,
                    rateLimits ? CeilingServer.countingRateLimits() : dev.starling.server.ratelimit.RateLimits.unlimited());
        } catch (IllegalArgumentException | IOException | java.io.UncheckedIOException e) {
            System.err.println("starling loadbench ceiling: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            stopped.countDown();
        }, "ceiling-stop"));
        System.out.println("Starling ceiling is serving http://" + host + ":" + server.port() + "/");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
