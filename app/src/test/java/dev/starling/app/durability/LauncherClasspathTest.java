package dev.starling.app.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code starling serve} starts on the RUNTIME classpath, the one {@code ./starling} runs with (app's classes and the
 * jars copied to {@code app/target/lib}), not on the test classpath, which also holds every test-scoped jar. A
 * dependency declared with test scope in app once took a jar that serve needs at start (DJL's tokenizers, for MiniLM)
 * off the runtime classpath: every test passed and the README's first command failed. Maven writes that classpath to
 * the file named by {@code starling.runtime.classpath.file} before the tests run.
 */
class LauncherClasspathTest {

    @Test
    void serveStartsOnTheRuntimeClasspath(@TempDir Path dir) throws Exception {
        String file = System.getProperty("starling.runtime.classpath.file");
        String classes = System.getProperty("starling.app.classes");
        Assumptions.assumeTrue(file != null && classes != null && Files.exists(Path.of(file)),
                "runs under Maven, which writes the runtime classpath (starling.runtime.classpath.file)");
        String runtime = Files.readString(Path.of(file)).strip();
        assertFalse(runtime.contains("junit") || runtime.contains("selenium"), "test jars on the runtime classpath: " + runtime);
        String classpath = classes + File.pathSeparator + runtime;
        Path log = dir.resolve("serve.log");
        try (ServeProcess serve = ServeProcess.startOn(classpath, dir.resolve("data"), log)) {
            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(serve.baseUrl + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            // the embedder is built at start: a missing runtime jar shows as a NoClassDefFoundError in the log
            assertFalse(Files.readString(log).contains("NoClassDefFoundError"), ServeProcess.tail(log));
        }
    }
}
