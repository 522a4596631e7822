package dev.starling.server.masto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.starling.server.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Proves the API with a real Mastodon client: runs scripts/masto/masto-check.mjs (masto.js from
 * npm) against a server on port 0. Skips, saying why, when node or the npm install is missing
 * (install with: cd scripts/masto && npm ci).
 */
class MastoJsTest {
    @Test
    void mastoJsSignsInPostsRepliesFollowsAndPages() throws Exception {
        Path project = Path.of(System.getProperty("starling.project.dir", ".."));
        Path script = project.resolve("scripts/masto/masto-check.mjs");
        assumeTrue(Files.isRegularFile(script), "masto.js check script not found at " + script.toAbsolutePath());
        assumeTrue(Files.isDirectory(project.resolve("scripts/masto/node_modules/masto")),
                "masto.js is not installed: run `npm ci` in " + script.getParent().toAbsolutePath());
        assumeTrue(nodeVersion() != null, "node is not on the PATH");
        try (TestServer server = TestServer.start()) {
            Process p = new ProcessBuilder("node", script.toString(), server.baseUrl())
                    .directory(script.getParent().toFile()).redirectErrorStream(true).start();
            boolean finished = p.waitFor(180, TimeUnit.SECONDS);
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!finished) {
                p.destroyForcibly();
                throw new AssertionError("masto.js check did not finish in 180 s:\n" + output);
            }
            System.out.println(output);
            assertEquals(0, p.exitValue(), "masto.js check failed:\n" + output);
        }
    }

    private static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim() : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }
}
