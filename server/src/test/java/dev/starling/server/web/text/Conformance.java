package dev.starling.server.web.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** The twitter-text conformance suite from ../shared/data; tests skip, saying so, when it is absent. */
final class Conformance {
    private Conformance() {}

    static JsonNode load(String file) throws IOException {
        Path yml = Path.of(System.getProperty("starling.shared.dir", "../shared"), "data", "twitter-text-conformance", file);
        Assumptions.assumeTrue(Files.isRegularFile(yml), "twitter-text conformance data absent at " + yml + ": skipped");
        return new ObjectMapper(new YAMLFactory()).readTree(yml.toFile()).path("tests");
    }
}
