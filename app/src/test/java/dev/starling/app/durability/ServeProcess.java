package dev.starling.app.durability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code starling serve} as a child JVM (so that it can be killed with SIGKILL), on the test's classpath. */
final class ServeProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("Starling is serving (http://\\S+?)/?$");

    final Process process;
    final String baseUrl;
    private final StringBuilder log;

    private ServeProcess(Process process, String baseUrl, StringBuilder log) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.log = log;
    }

    static ServeProcess start(Path dataDir, Path logFile, String... extraArgs) throws IOException, InterruptedException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return startOn(classpath, dataDir, logFile, extraArgs);
    }

    /** {@code starling serve} on {@code classpath} instead of the test's (see {@link LauncherClasspathTest}). */
    static ServeProcess startOn(String classpath, Path dataDir, Path logFile, String... extraArgs) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Xmx512m", "-cp", classpath, "dev.starling.app.Main", "serve", "--data-dir", dataDir.toString(), "--port", "0", "--no-rate-limits"));
        cmd.addAll(List.of(extraArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.environment().remove("STARLING_DB_URL");
        Process p = pb.start();
        StringBuilder log = new StringBuilder();
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (log) {
                        log.append(line).append('\n');
                    }
                    Matcher m = SERVING.matcher(line.trim());
                    if (m.find()) url.complete(m.group(1));
                }
            } catch (IOException ignored) {
                // the process died
            }
            url.complete(null);
        }, "serve-stdout");
        reader.setDaemon(true);
        reader.start();
        String base;
        try {
            base = url.get(180, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IllegalStateException("starling serve did not print its URL in 180 s; stderr in " + logFile + ":\n" + tail(logFile), e);
        }
        if (base == null) {
            throw new IllegalStateException("starling serve exited with " + p.waitFor() + " before serving; stderr:\n" + tail(logFile));
        }
        return new ServeProcess(p, base, log);
    }

    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed by the JVM. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM: graceful shutdown
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
