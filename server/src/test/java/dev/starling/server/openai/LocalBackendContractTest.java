package dev.starling.server.openai;

import dev.starling.ai.backend.LocalBackend;
import dev.starling.ai.backend.ModelBackend;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the engine in this process, serving a tiny random Llama. */
class LocalBackendContractTest extends ModelBackendContract {

    @TempDir
    static Path dir;
    private static LocalBackend backend;

    @BeforeAll
    static void load() throws Exception {
        backend = LocalBackend.open(writeTinyModel(dir), LocalBackend.Options.defaults().withModelId("tiny"));
    }

    @AfterAll
    static void close() {
        if (backend != null) {
            backend.close();
        }
    }

    @Override
    protected ModelBackend backend() {
        return backend;
    }

    @Override
    protected String modelId() {
        return "tiny";
    }
}
