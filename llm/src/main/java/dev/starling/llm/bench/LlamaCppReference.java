package dev.starling.llm.bench;

import dev.starling.llm.json.Json;
import dev.starling.llm.json.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs llama.cpp through {@code scripts/llamacpp/reference.mjs} (node-llama-cpp's prebuilt CPU
 * binaries, pinned in that directory's package.json) and returns its JSON answer.
 * Install once: {@code cd scripts/llamacpp && NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm ci}.
 */
public final class LlamaCppReference {
    private final Path scriptDir;

    public LlamaCppReference(Path projectDir) {
        this.scriptDir = projectDir.resolve("scripts").resolve("llamacpp");
    }

    /** Why the reference cannot run here (no node, not installed), or null when it can. */
    public String unavailableReason() {
        if (!Files.isRegularFile(scriptDir.resolve("reference.mjs"))) {
            return "no " + scriptDir.resolve("reference.mjs");
        }
        if (!Files.isDirectory(scriptDir.resolve("node_modules").resolve("node-llama-cpp"))) {
            return "node-llama-cpp is not installed: run `cd " + scriptDir + " && NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm ci`";
        }
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "`node --version` failed";
            }
        } catch (IOException e) {
            return "node is not on the PATH (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
        return null;
    }

    /** Runs one request (see reference.mjs for its fields) and parses the printed JSON object. */
    public JsonValue.JsonObject run(String requestJson, long timeoutSeconds) throws IOException {
        Path err = Files.createTempFile("llamacpp", ".err");
        try {
            Process p = new ProcessBuilder(List.of("node", "reference.mjs", requestJson))
                    .directory(scriptDir.toFile())
                    .redirectError(err.toFile())
                    .start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("llama.cpp reference timed out after " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException("llama.cpp reference exited with " + p.exitValue() + ": " + tail(Files.readString(err)));
            }
            return Json.parse(new String(out, StandardCharsets.UTF_8).trim()).asObject();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for llama.cpp", e);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static String tail(String s) {
        return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
    }

    /** A JSON array of ints. */
    public static String ints(int[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ",").append(v[i]);
        }
        return b.append(']').toString();
    }
}
