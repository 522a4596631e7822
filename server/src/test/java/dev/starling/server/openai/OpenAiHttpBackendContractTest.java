package dev.starling.server.openai;

import dev.starling.ai.backend.LocalBackend;
import dev.starling.ai.backend.ModelBackend;
import dev.starling.ai.backend.OpenAiHttpBackend;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract on {@link OpenAiHttpBackend} talking to Starling's own {@code /v1} endpoints (a real server on port
 * 0, serving the tiny model through {@link LocalBackend}): requests, streams and errors all cross HTTP.
 */
class OpenAiHttpBackendContractTest extends ModelBackendContract {

    @TempDir
    static Path dir;
    private static LocalBackend local;
    private static OpenAiTestServer server;
    private static OpenAiHttpBackend remote;

    @BeforeAll
    static void start() throws Exception {
        local = LocalBackend.open(writeTinyModel(dir), LocalBackend.Options.defaults().withModelId("tiny"));
        server = new OpenAiTestServer(local, OpenAiLimits.DEFAULT);
        remote = new OpenAiHttpBackend(server.baseUrl(), "test-key", 2_000, 60_000);
    }

    @AfterAll
    static void stop() {
        if (remote != null) {
            remote.close();
        }
        if (server != null) {
            server.close();
        }
        if (local != null) {
            local.close();
        }
    }

    @Override
    protected ModelBackend backend() {
        return remote;
    }

    @Override
    protected String modelId() {
        return "tiny";
    }
}
