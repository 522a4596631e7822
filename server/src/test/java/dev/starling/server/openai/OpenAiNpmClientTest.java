package dev.starling.server.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.ai.backend.LocalBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official {@code openai} npm client against Starling's /v1 (a real server on port 0 with a tiny random
 * model): models, chat (plain, streamed, stop, seed), completions, embeddings (base64 and float) and errors, by
 * {@code scripts/openai/openai-check.mjs}. Skips when node or the npm install is missing:
 * {@code cd scripts/openai && npm ci}.
 */
class OpenAiNpmClientTest {

    @TempDir
    Path dir;

    @Test
    void theOfficialClientWorksAgainstV1() throws Exception {
        Path scripts = Path.of(System.getProperty("starling.project.dir", ".."), "scripts", "openai");
        Path script = scripts.resolve("openai-check.mjs");
        Assumptions.assumeTrue(Files.isRegularFile(script), () -> "skipped: " + script + " is missing");
        Assumptions.assumeTrue(Files.isDirectory(scripts.resolve("node_modules/openai")),
                () -> "skipped: the openai npm client is not installed; run: cd " + scripts + " && npm ci");
        Assumptions.assumeTrue(nodeAvailable(), "skipped: node is not on the PATH");

        try (LocalBackend local = LocalBackend.open(ModelBackendContract.writeTinyModel(dir),
                LocalBackend.Options.defaults().withModelId("tiny"));
             OpenAiTestServer server = new OpenAiTestServer(local, OpenAiLimits.DEFAULT)) {
            Process p = new ProcessBuilder("node", script.toString(), server.baseUrl(), "tiny")
                    .directory(scripts.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the openai check did not finish in 120 s");
            String output = new String(out, StandardCharsets.UTF_8);
            System.out.println(output);
            assertEquals(0, p.exitValue(), "openai-check.mjs failed:\n" + output);
            assertTrue(output.contains("{\"ok\":true"), output);
        }
    }

    private static boolean nodeAvailable() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
